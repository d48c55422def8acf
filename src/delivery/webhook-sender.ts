/**
 * Delivers outbox rows to case-management systems over HTTPS: a JSON body, signed with
 * HMAC-SHA256 so that the receiver knows it came from us and was not changed or replayed.
 *
 * The signature covers `<timestamp>.<raw body>`, and the timestamp travels in its own header: a
 * receiver that rejects timestamps older than a few minutes cannot be fed an old, captured request
 * again, and the timestamp cannot be changed without breaking the signature.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { OutboxMessage } from '../store/store.ts';
import { type ChannelSender, DeliveryError } from './channel-sender.ts';

/** The outbox channel of webhook deliveries; the recipient is an agency id (or {@link ESCALATION_RECIPIENT}). */
export const WEBHOOK_CHANNEL = 'webhook';

/** The recipient of the deployment's own escalation webhook (ESCALATION_WEBHOOK_URL); not an agency id. */
export const ESCALATION_RECIPIENT = '_escalation';

/** The headers a receiver reads. */
export const SIGNATURE_HEADER = 'x-tangrod-signature';
export const TIMESTAMP_HEADER = 'x-tangrod-timestamp';
export const DELIVERY_HEADER = 'x-tangrod-delivery';

/** What a webhook outbox row carries: the body to send, and the ticket it is about (for the audit trail). */
export interface WebhookPayload {
  ticketRef: string;
  body: Record<string, unknown>;
}

/** Where a recipient's webhook goes, looked up at send time so that a rotated secret applies at once. */
export type WebhookTarget = { url: string; secret: string };

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<raw body>`). */
export function signWebhook(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/**
 * Why a webhook URL cannot be used, or undefined when it can. HTTPS only: the body describes a
 * case. Plain http is allowed to this machine alone (a local relay, tests).
 */
export function webhookUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.username || u.password) return 'must not carry a user name or password';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
  return 'must be https://';
}

/** What the sender needs. */
export interface WebhookSenderDeps {
  resolve: (recipient: string) => Promise<WebhookTarget | undefined>;
  clock: Clock;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
}

/** The webhook {@link ChannelSender}. */
export class WebhookSender implements ChannelSender {
  readonly channel = WEBHOOK_CHANNEL;

  private readonly deps: WebhookSenderDeps;

  constructor(deps: WebhookSenderDeps) {
    this.deps = deps;
  }

  async send(recipient: string, rows: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void> {
    const target = await this.deps.resolve(recipient);
    // Removed since the row was written: nothing will ever take it, so give up (and audit) at once.
    if (!target) throw new DeliveryError('webhook: no endpoint configured', 'permanent');
    const problem = webhookUrlProblem(target.url);
    if (problem) throw new DeliveryError(`webhook: url ${problem}`, 'permanent');
    for (const row of rows) {
      const raw = JSON.stringify((row.payload as WebhookPayload).body);
      const timestamp = String(Math.floor(this.deps.clock().getTime() / 1000));
      let res: Response;
      try {
        res = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Tangrod-Webhook/1',
            [SIGNATURE_HEADER]: signWebhook(target.secret, timestamp, raw),
            [TIMESTAMP_HEADER]: timestamp,
            // The same for every attempt of a row: the receiver can drop a repeat it already took.
            [DELIVERY_HEADER]: String(row.id),
          },
          body: raw,
          // A redirect could carry the case to another host; the receiver must give its final URL.
          redirect: 'error',
          signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        // The message names the failure, never the address (which may embed a token) or the body.
        throw new DeliveryError(`webhook: ${(err as Error)?.name ?? 'error'} ${(err as { cause?: { code?: string } })?.cause?.code ?? ''}`.trim(), 'transient');
      }
      if (res.status >= 200 && res.status < 300) {
        await delivered(row.id);
        continue;
      }
      if (res.status === 429 || res.status >= 500 || res.status === 408) {
        throw new DeliveryError(`webhook: HTTP ${res.status}`, 'transient', retryAfterMs(res.headers.get('retry-after')));
      }
      throw new DeliveryError(`webhook: HTTP ${res.status}`, 'permanent');
    }
  }
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}
