/**
 * Delivers outbox rows to LINE. The first call of a round uses the chat's reply token when it is
 * fresh (replies are free, pushes count against the plan's quota); when the token is spent,
 * expired or refused, the same messages are pushed.
 */
import { createHash } from 'node:crypto';
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import type { Clock } from '../../core/clock.ts';
import { type ChannelSender, DeliveryError } from '../../delivery/channel-sender.ts';
import type { OutboxMessage, Store } from '../../store/store.ts';
import { LINE_LIMITS, type LineReply, packCalls, toLineMessages } from './line-messages.ts';

/** The outbox and session channel name of LINE. */
export const LINE_CHANNEL = 'line';

/** A reply token is good for about a minute; older than this, push instead of gambling on it. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;

/** What the sender needs. */
export interface LineSenderDeps {
  client: Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'>;
  store: Store;
  clock: Clock;
  /** The "more choices" label in the recipient's language (needed only for long choice lists). */
  moreLabel: (recipient: string) => Promise<string>;
}

/** The LINE {@link ChannelSender}. */
export class LineSender implements ChannelSender {
  readonly channel = LINE_CHANNEL;

  private readonly deps: LineSenderDeps;

  constructor(deps: LineSenderDeps) {
    this.deps = deps;
  }

  async send(recipient: string, allRows: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void> {
    const { client, store, clock } = this.deps;
    // LINE offers no way for a bot to delete messages: a quick exit's erase request has nothing to do.
    for (const row of allRows) if (row.kind === 'erase') await delivered(row.id);
    const rows = allRows.filter((r) => r.kind !== 'erase');
    if (rows.length === 0) return;
    const needsMore = rows.some((r) => ((r.payload as LineReply).choices?.length ?? 0) > LINE_LIMITS.quickReplyItems);
    const moreLabel = needsMore ? await this.deps.moreLabel(recipient) : '';
    const calls = packCalls(rows.map((r) => ({ id: r.id, messages: toLineMessages(r.payload as LineReply, moreLabel) })));
    let token = await store.takeReplyToken(LINE_CHANNEL, recipient, new Date(clock().getTime() - REPLY_TOKEN_MAX_AGE_MS));

    for (const call of calls) {
      let sent = false;
      if (token) {
        const replyToken = token;
        token = undefined; // single use, whatever happens
        try {
          await client.replyMessage({ replyToken, messages: call.messages });
          sent = true;
        } catch (err) {
          // A 400 is LINE's answer to a spent, expired or invalid token: push instead. Anything
          // else (rate limit, server error) is retried later, by push.
          if (!(err instanceof HTTPFetchError && err.status === 400)) throw toDeliveryError('reply', err);
        }
      }
      if (!sent) {
        try {
          await client.pushMessage({ to: recipient, messages: call.messages }, retryKey(recipient, call.completes, call.messages));
        } catch (err) {
          // 409: a push with this retry key was already accepted (our earlier attempt got through).
          if (!(err instanceof HTTPFetchError && err.status === 409)) throw toDeliveryError('push', err);
        }
      }
      for (const id of call.completes) await delivered(id);
    }
  }
}

/**
 * The X-Line-Retry-Key of a push: the same rows and messages give the same key, so that when a
 * push timed out after LINE took it, the retry is recognised instead of shown twice.
 */
function retryKey(recipient: string, ids: number[], messages: unknown[]): string {
  const h = createHash('sha256').update(JSON.stringify([recipient, ids, messages])).digest('hex');
  // UUID form (version 4 bits set), as LINE requires.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Maps an SDK error to a {@link DeliveryError}; the message carries the call and status only. */
function toDeliveryError(call: 'reply' | 'push', err: unknown): DeliveryError {
  if (err instanceof HTTPFetchError) {
    const status = err.status;
    if (status === 429 || status >= 500) return new DeliveryError(`line ${call}: HTTP ${status}`, 'transient', retryAfterMs(err.headers));
    return new DeliveryError(`line ${call}: HTTP ${status}`, 'permanent');
  }
  return new DeliveryError(`line ${call}: ${(err as Error)?.name ?? 'error'} ${(err as { cause?: { code?: string } })?.cause?.code ?? ''}`.trim(), 'transient');
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get?.('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
