/**
 * A LINE webhook as the benches send it: one text message from the user of event `seq` of round
 * `round` (see fake-platform.ts, which matches its answer back to it), signed with the channel
 * secret.
 */
import { createHmac } from 'node:crypto';
import { lineUser, replyToken } from './fake-platform.ts';

/** The headers of a LINE webhook: its signature over `body`. */
export function lineHeaders(body: string, secret: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-line-signature': createHmac('sha256', secret).update(body).digest('base64') };
}

/** The body and headers of a webhook carrying one text; `eventId` unique per database (the bot drops a repeat). */
export function lineTextWebhook(round: number, seq: number, text: string, secret: string, eventId = `01BENCH${round}X${seq}`): { body: string; headers: Record<string, string> } {
  const event = {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId: lineUser(round, seq) },
    webhookEventId: eventId,
    deliveryContext: { isRedelivery: false },
    replyToken: replyToken(round, seq),
    message: { id: `${round}${seq}`, type: 'text', text, quoteToken: 'q' },
  };
  const body = JSON.stringify({ destination: 'Ubench', events: [event] });
  return { body, headers: lineHeaders(body, secret) };
}
