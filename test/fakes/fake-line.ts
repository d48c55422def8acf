/**
 * A fake LINE Messaging API of our own, on 127.0.0.1, served at the origin root (the SDK drops any
 * path prefix): reply, push, profile, bot info, and message content (the data API, same server).
 * Like LINE, it drops a push whose X-Line-Retry-Key it has accepted before (409). It can also
 * fail as a bad network does: be down (503 to everything), hang (take the request and never
 * answer), or take a push and then never answer (as if the sender crashed right after LINE had it).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made. */
export interface LineCall {
  kind: 'reply' | 'push';
  to?: string;
  replyToken?: string;
  retryKey?: string;
  messages: { type: string; text: string; quickReply?: { items: { action: { type: string; label: string; data?: string } }[] } }[];
  status: number;
}

export interface FakeLine {
  origin: string;
  /** Accepted and refused reply/push calls, in order. */
  calls: LineCall[];
  /** Accepted calls only. */
  delivered(): LineCall[];
  /** Every text delivered to a user, in order. */
  texts(): string[];
  /** Status to answer reply calls with (default 200). */
  replyStatus: number;
  /** Statuses for the next push calls, used up in order (then 200). */
  pushFailures: { status: number; retryAfter?: string }[];
  /** getProfile language; undefined leaves it out. */
  profileLanguage: string | undefined;
  /** Message content by message id. */
  content: Map<string, { bytes: Buffer; type: string }>;
  /** Answers every call with 503 while true (an outage). */
  down: boolean;
  /** Calls for which this returns true are taken and never answered (a hanging platform). */
  hangIf: ((call: { kind: string; to?: string }) => boolean) | undefined;
  /** While true, a push is accepted (and counted delivered) but never answered; the callback runs then. */
  acceptThenHang: boolean;
  onAcceptedHang: (() => void) | undefined;
  /** Calls of each kind received, answered or not (reply, push, profile, info, content). */
  received: Record<string, number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeLine(): Promise<FakeLine> {
  const fake: Omit<FakeLine, 'origin' | 'close'> = {
    calls: [],
    delivered: () => fake.calls.filter((c) => c.status === 200),
    texts: () => fake.delivered().flatMap((c) => c.messages.map((m) => m.text)),
    replyStatus: 200,
    pushFailures: [],
    profileLanguage: 'en',
    content: new Map(),
    down: false,
    hangIf: undefined,
    acceptThenHang: false,
    onAcceptedHang: undefined,
    received: {},
  };
  const acceptedKeys = new Set<string>();
  const held: ServerResponse[] = [];
  const kindOf = (method: string | undefined, pathname: string) =>
    method === 'POST' && pathname === '/v2/bot/message/reply'
      ? 'reply'
      : method === 'POST' && pathname === '/v2/bot/message/push'
        ? 'push'
        : pathname === '/v2/bot/info'
          ? 'info'
          : pathname.startsWith('/v2/bot/profile/')
            ? 'profile'
            : 'content';
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer test-line-token') return send(401, { message: 'Authentication failed' });
    const kind = kindOf(req.method, url.pathname);
    fake.received[kind] = (fake.received[kind] ?? 0) + 1;
    const raw = req.method === 'POST' ? await readBody(req) : '';
    const to = kind === 'push' ? (JSON.parse(raw) as { to?: string }).to : undefined;
    if (fake.hangIf?.({ kind, ...(to ? { to } : {}) })) return void held.push(res);
    if (fake.down) return send(503, { message: 'Service Unavailable' });
    if (req.method === 'GET' && kind === 'info') return send(200, { userId: 'Ubot', basicId: '@tangrod', displayName: 'Tangrod', chatMode: 'bot', markAsReadMode: 'auto' });
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/reply') {
      const body = JSON.parse(raw);
      const status = fake.replyStatus;
      fake.calls.push({ kind: 'reply', replyToken: body.replyToken, messages: body.messages, status });
      return status === 200 ? send(200, { sentMessages: [] }) : send(status, { message: 'Invalid reply token' });
    }
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/push') {
      const body = JSON.parse(raw);
      const retryKey = req.headers['x-line-retry-key'] as string | undefined;
      // LINE: "a request with the same retry key as one already accepted" is not sent again.
      if (retryKey && acceptedKeys.has(retryKey)) {
        fake.calls.push({ kind: 'push', to: body.to, retryKey, messages: body.messages, status: 409 });
        return send(409, { message: 'The retry key is already accepted' }, { 'x-line-accepted-request-id': retryKey });
      }
      const failure = fake.pushFailures.shift();
      const status = failure?.status ?? 200;
      fake.calls.push({ kind: 'push', to: body.to, ...(retryKey ? { retryKey } : {}), messages: body.messages, status });
      if (status === 200 && retryKey) acceptedKeys.add(retryKey);
      if (status === 200 && fake.acceptThenHang) {
        held.push(res);
        return fake.onAcceptedHang?.();
      }
      return status === 200 ? send(200, { sentMessages: [] }) : send(status, { message: 'failure' }, failure?.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    }
    const profile = /^\/v2\/bot\/profile\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && profile) {
      return send(200, { userId: profile[1], displayName: 'Test', ...(fake.profileLanguage ? { language: fake.profileLanguage } : {}) });
    }
    const content = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(url.pathname);
    if (req.method === 'GET' && content) {
      const c = fake.content.get(content[1]!);
      if (!c) return send(404, { message: 'Not found' });
      res.writeHead(200, { 'content-type': c.type, 'content-length': String(c.bytes.length) });
      return res.end(c.bytes);
    }
    send(404, { message: `no route ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The server reads this same object, so tests change its fields in place.
  return Object.assign(fake, {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** A LINE webhook event from a user, with fresh ids. */
export function lineEvent(userId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: randomUUID().replace(/-/g, '').toUpperCase().slice(0, 26),
    deliveryContext: { isRedelivery: false },
    replyToken: randomUUID().replace(/-/g, ''),
    ...fields,
  };
}
