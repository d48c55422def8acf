/**
 * `POST /webhooks/line`: checks LINE's signature on the raw bytes, checks each event's shape,
 * stores the events, answers 200. The events are handled afterwards by the inbound queue, so LINE
 * never waits on a download or a slow database. An event of a known type with a wrong shape is
 * recorded as malformed and not stored; a body nested absurdly deep is refused with 400.
 */
import { createHash } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../core/errors.ts';
import type { NewInboundEvent } from '../../store/store.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { MAX_PAYLOAD_DEPTH, type MalformedEvent, nestsDeeperThan, problemsOf } from '../payload-check.ts';
import { registerRawBodyRoutes } from '../raw-body.ts';
import { LINE_WEBHOOK_PATH } from '../webhook-paths.ts';
import type { FreshReplyTokens } from './line-reply-tokens.ts';
import { checkLineEvent } from './line-schema.ts';
import { validLineSignature } from './line-signature.ts';
import { LINE_CHANNEL } from './line-sender.ts';

export { LINE_WEBHOOK_PATH };

/** Mounts the LINE webhook. */
export function registerLineWebhook(app: FastifyInstance, opts: { channelSecret: string; queue: InboundQueue; tokens?: FreshReplyTokens }): void {
  registerRawBodyRoutes(app, (scope) => {
    scope.post(LINE_WEBHOOK_PATH, async (req, reply) => {
      const signature = req.headers['x-line-signature'];
      const body = req.body;
      // The signature is the only proof a request comes from LINE (LINE publishes no addresses).
      // Compared in constant time (line-signature.ts).
      if (typeof signature !== 'string' || !Buffer.isBuffer(body) || !validLineSignature(body, opts.channelSecret, signature)) {
        throw new RequestError(401, 'bad_signature', 'The x-line-signature header is missing or does not match the body.');
      }
      let parsed: { events?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as { events?: unknown };
      } catch {
        throw new RequestError(400, 'invalid_body', 'The body is not valid JSON.');
      }
      if (nestsDeeperThan(parsed)) throw new RequestError(400, 'invalid_body', `The body nests deeper than ${MAX_PAYLOAD_DEPTH} levels.`);
      const events = Array.isArray(parsed?.events) ? (parsed.events as webhook.Event[]) : [];
      const accepted: NonNullable<ReturnType<typeof toInbound>>[] = [];
      const malformed: MalformedEvent[] = [];
      for (const event of events) {
        const row = toInbound(event);
        if (!row) continue;
        const check = checkLineEvent(event);
        if (check.ok) accepted.push(row);
        else malformed.push({ channel: LINE_CHANNEL, eventId: row.eventId, type: event.type, problems: problemsOf(check.problems) });
      }
      // Kept in memory too: an event handled in this request is never stored, nor is its token.
      for (const e of accepted) if (e.replyToken) opts.tokens?.remember(e.eventId, e.replyToken);
      // The console's "Verify" button sends no events: it only needs the 200.
      await opts.queue.take(accepted);
      await opts.queue.reject(malformed);
      return reply.status(200).send({});
    });
  });
}

/**
 * One event as an inbox row. Events not from a one-to-one chat are not ours to handle, except the
 * bot being added to or removed from a group (a staff group that receives agency alerts).
 */
function toInbound(event: webhook.Event): NewInboundEvent | undefined {
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') return undefined;
  const source = event.source;
  const groupEvent = (event.type === 'join' || event.type === 'leave') && source?.type === 'group' && typeof source.groupId === 'string' && source.groupId !== '';
  if (!groupEvent && (source?.type !== 'user' || typeof source.userId !== 'string' || !source.userId)) return undefined;
  const key = source?.type === 'group' ? source.groupId : source?.type === 'user' ? source.userId! : '';
  // The reply token is stored with the event, in the commit that comes before LINE's 200.
  const replyToken = 'replyToken' in event && typeof event.replyToken === 'string' && event.replyToken ? event.replyToken : undefined;
  return { channel: LINE_CHANNEL, eventId: lineEventId(event), userKey: key, payload: event, ...(replyToken ? { replyToken } : {}) };
}

/**
 * The id an event is de-duplicated by: its webhookEventId, or for an event without one, a hash of
 * the event without its deliveryContext (which says whether this is a redelivery, and so differs
 * between the first delivery and the repeat), over keys in a fixed order.
 */
export function lineEventId(event: webhook.Event): string {
  if (typeof event.webhookEventId === 'string' && event.webhookEventId) return event.webhookEventId;
  const { deliveryContext: _ignored, ...rest } = event as webhook.Event & { deliveryContext?: unknown };
  return `h:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** JSON with object keys sorted, so that the same event gives the same text whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
