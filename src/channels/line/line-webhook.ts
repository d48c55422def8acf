/**
 * `POST /webhooks/line`: checks LINE's signature on the raw bytes, stores the events, answers 200.
 * The events are handled afterwards by the inbound queue, so LINE never waits on a download or a
 * slow database.
 */
import { createHash } from 'node:crypto';
import { validateSignature, type webhook } from '@line/bot-sdk';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../core/errors.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { registerRawBodyRoutes } from '../raw-body.ts';
import { LINE_CHANNEL } from './line-sender.ts';

/** The path LINE posts to (set it in the LINE Developers console). */
export const LINE_WEBHOOK_PATH = '/webhooks/line';

/** Mounts the LINE webhook. */
export function registerLineWebhook(app: FastifyInstance, opts: { channelSecret: string; queue: InboundQueue }): void {
  registerRawBodyRoutes(app, (scope) => {
    scope.post(LINE_WEBHOOK_PATH, async (req, reply) => {
      const signature = req.headers['x-line-signature'];
      const body = req.body;
      // The signature is the only proof a request comes from LINE (LINE publishes no addresses).
      // validateSignature compares in constant time.
      if (typeof signature !== 'string' || !Buffer.isBuffer(body) || !validateSignature(body, opts.channelSecret, signature)) {
        throw new RequestError(401, 'bad_signature', 'The x-line-signature header is missing or does not match the body.');
      }
      let parsed: { events?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as { events?: unknown };
      } catch {
        throw new RequestError(400, 'invalid_body', 'The body is not valid JSON.');
      }
      const events = Array.isArray(parsed?.events) ? (parsed.events as webhook.Event[]) : [];
      // The console's "Verify" button sends no events: it only needs the 200.
      await opts.queue.accept(events.flatMap((event) => toInbound(event)));
      return reply.status(200).send({});
    });
  });
}

/**
 * One event as an inbox row. Events not from a one-to-one chat are not ours to handle, except the
 * bot being added to or removed from a group (a staff group that receives agency alerts).
 */
function toInbound(event: webhook.Event): { channel: string; eventId: string; userKey: string; payload: unknown }[] {
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') return [];
  const source = event.source;
  const groupEvent = (event.type === 'join' || event.type === 'leave') && source?.type === 'group' && typeof source.groupId === 'string' && source.groupId !== '';
  if (!groupEvent && (source?.type !== 'user' || typeof source.userId !== 'string' || !source.userId)) return [];
  const key = source?.type === 'group' ? source.groupId : source?.type === 'user' ? source.userId! : '';
  // Every current event has a webhookEventId; a hash of the event keeps an older one de-duplicable.
  const eventId = typeof event.webhookEventId === 'string' && event.webhookEventId ? event.webhookEventId : `h:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
  return [{ channel: LINE_CHANNEL, eventId, userKey: key, payload: event }];
}
