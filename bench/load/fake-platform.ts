/**
 * The counting fake platform API for the load bench: LINE's Messaging API and Telegram's Bot API
 * on one loopback port, answering at once. It records when each event's answer arrived: every
 * event of a round comes from its own user, whose id carries the event's number (see
 * {@link lineUser}, {@link telegramChat}), so a reply, a push or a sendMessage is matched to its
 * event without any state shared with the bot.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * BENCH_RANDOM_USERS=1: each round's users in no order, as real LINE ids and Telegram chats are
 * (an odd multiplier modulo 2^23 permutes the event numbers, and its inverse gives them back).
 * In order, every index keyed by the user only ever grows at its end, which flatters the server.
 */
const SCATTER = process.env.BENCH_RANDOM_USERS === '1';
const BITS = 2 ** 23;
const MULTIPLIER = 0x5bd1e9;
/** The multiplier's inverse modulo 2^23, by Newton's iteration (each step doubles the bits that are right; products stay under 2^46). */
let INVERSE = MULTIPLIER;
for (let i = 0; i < 4; i++) INVERSE = (INVERSE * ((2 + BITS - ((MULTIPLIER * INVERSE) % BITS)) % BITS)) % BITS;
const scatter = (seq: number) => (SCATTER ? (seq * MULTIPLIER) % BITS : seq);
const gather = (n: number) => (SCATTER ? (n * INVERSE) % BITS : n);

/** The LINE user id of event `seq` of round `round` (U + 32 hex digits, as LINE's). */
export const lineUser = (round: number, seq: number) => `U${round.toString(16).padStart(8, '0')}${scatter(seq).toString(16).padStart(24, '0')}`;
/** The Telegram chat (and user) id of event `seq` of round `round`. */
export const telegramChat = (round: number, seq: number) => round * 10_000_000 + scatter(seq);
/** The reply token of event `seq` of round `round`. */
export const replyToken = (round: number, seq: number) => `rt${round}x${seq}`;

const now = () => performance.timeOrigin + performance.now();

/** What arrived for one round. */
export interface RoundRecord {
  round: number;
  /** First and last call of each event's answer (absolute ms), 0 when none came. */
  first: Float64Array;
  last: Float64Array;
  calls: Uint16Array;
}

/** The fake platform. */
export interface FakePlatform {
  origin: string;
  /** Starts recording a round of up to `max` events (calls of other rounds are ignored). */
  record(round: number, max: number): RoundRecord;
  /** Calls answered, by kind. */
  received: Record<string, number>;
  close(): Promise<void>;
}

const BOT_INFO = { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

export async function startFakePlatform(): Promise<FakePlatform> {
  let current: RoundRecord | undefined;
  const received: Record<string, number> = {};
  let messageId = 1;
  const seen = (round: number, seq: number) => {
    const r = current;
    if (!r || r.round !== round || seq < 0 || seq >= r.first.length) return;
    const at = now();
    if (r.first[seq] === 0) r.first[seq] = at;
    r.last[seq] = at;
    r.calls[seq] = (r.calls[seq] ?? 0) + 1;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      let kind = 'other';
      try {
        if (url === '/v2/bot/message/reply') {
          kind = 'line.reply';
          const m = /^rt(\d+)x(\d+)$/.exec((JSON.parse(body) as { replyToken: string }).replyToken);
          if (m) seen(Number(m[1]), Number(m[2]));
          return json(200, { sentMessages: [] });
        }
        if (url === '/v2/bot/message/push') {
          kind = 'line.push';
          const to = (JSON.parse(body) as { to: string }).to;
          seen(Number.parseInt(to.slice(1, 9), 16), gather(Number.parseInt(to.slice(9), 16)));
          return json(200, { sentMessages: [] });
        }
        if (url.startsWith('/v2/bot/profile/')) return (kind = 'line.profile'), json(200, { userId: url.slice(16), displayName: 'Bench' });
        if (url === '/v2/bot/info') return (kind = 'line.info'), json(200, { userId: 'Ubot', basicId: '@bench', displayName: 'Bench', chatMode: 'bot', markAsReadMode: 'auto' });
        const call = /^\/bot[^/]+\/(\w+)$/.exec(url);
        if (call) {
          kind = `telegram.${call[1]}`;
          if (call[1] === 'getMe') return json(200, { ok: true, result: BOT_INFO });
          if (call[1] === 'sendMessage') {
            const params = JSON.parse(body) as { chat_id: number | string; text: string };
            const chat = Number(params.chat_id);
            seen(Math.floor(chat / 10_000_000), gather(chat % 10_000_000));
            return json(200, { ok: true, result: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, text: params.text } });
          }
          return json(200, { ok: true, result: true });
        }
        return json(404, { message: 'not found' });
      } finally {
        received[kind] = (received[kind] ?? 0) + 1;
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    record(round, max) {
      current = { round, first: new Float64Array(max), last: new Float64Array(max), calls: new Uint16Array(max) };
      return current;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
