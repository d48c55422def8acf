/**
 * Delivers outbox rows to LINE. The answer to an event goes with that event's own reply token
 * while it is fresh (replies are free, pushes count against the plan's quota); when the token is
 * spent, expired or refused, the same messages are pushed, under a retry key fixed before the
 * first attempt (see `line-calls.ts`), so that LINE drops a push it has already shown.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { Clock } from '../../core/clock.ts';
import { type ChannelSender, DeliveryError } from '../../delivery/channel-sender.ts';
import { rowReplies } from '../../conversation/reply.ts';
import type { OutboxMessage, Store } from '../../store/store.ts';
import { isLineApiError } from './line-api-error.ts';
import { planCalls } from './line-calls.ts';
import type { FreshReplyTokens } from './line-reply-tokens.ts';
import { inOneCall, LINE_LIMITS, type LineReply, toLineMessages } from './line-messages.ts';

/** The outbox and session channel name of LINE. */
export const LINE_CHANNEL = 'line';

/** A reply token is good for about a minute; older than this, push instead of gambling on it. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;

/** What the sender needs. */
export interface LineSenderDeps {
  client: Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'> & Partial<Pick<messagingApi.MessagingApiClient, 'getBotInfo'>>;
  store: Store;
  clock: Clock;
  /** The "more choices" label in the recipient's language (needed only for long choice lists). */
  moreLabel: (recipient: string) => Promise<string>;
  /** Tokens of events received by this process, looked at before the database's. */
  tokens?: FreshReplyTokens;
}

/** The LINE {@link ChannelSender}. */
export class LineSender implements ChannelSender {
  readonly channel = LINE_CHANNEL;
  readonly probe?: () => Promise<void>;

  private readonly deps: LineSenderDeps;

  constructor(deps: LineSenderDeps) {
    this.deps = deps;
    const getBotInfo = deps.client.getBotInfo?.bind(deps.client);
    if (getBotInfo) this.probe = async () => void (await getBotInfo());
  }

  async send(recipient: string, allRows: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void> {
    const { client, store, clock } = this.deps;
    // LINE offers no way for a bot to delete messages: a quick exit's erase request has nothing to do.
    for (const row of allRows) if (row.kind === 'erase') await delivered(row.id);
    const rows = allRows.filter((r) => r.kind !== 'erase');
    if (rows.length === 0) return;
    const needsMore = rows.some((r) => repliesOf(r).some((reply) => (reply.choices?.length ?? 0) > LINE_LIMITS.quickReplyItems));
    const moreLabel = needsMore ? await this.deps.moreLabel(recipient) : '';
    // The tokens of the events these rows answer, taken now (single use, whatever happens: taking
    // deletes). Rows whose event has no fresh token go by push, several events' answers together.
    const notBefore = new Date(clock().getTime() - REPLY_TOKEN_MAX_AGE_MS);
    const tokens = new Map<string, string>();
    for (const event of new Set(rows.filter((r) => !r.retryKey && r.replyTo).map((r) => r.replyTo!))) {
      const token = this.deps.tokens?.take(event, notBefore) ?? (await store.takeReplyToken(LINE_CHANNEL, event, notBefore));
      if (token) tokens.set(event, token);
    }
    const groups = planCalls(
      rows.map((r) => ({
        id: r.id,
        replyTo: r.replyTo && tokens.has(r.replyTo) ? r.replyTo : null,
        retryKey: r.retryKey ?? null,
        messages: fitted(r, repliesOf(r).flatMap((reply) => toLineMessages(reply, moreLabel))),
      })),
    );
    // The keys are on disk before the first push: a retry after a crash must use the same ones.
    // A reply carries no key (LINE dedupes pushes only), so answers that go by reply alone, as
    // under load nearly all do, need no write here.
    let keysStored = false;
    const storeKeys = async () => {
      if (keysStored) return;
      keysStored = true;
      await store.setRetryKeys(groups.filter((g) => g.fresh).flatMap((g) => g.ids.map((id) => ({ id, key: g.key }))));
    };

    const partsSent = new Map(rows.map((r) => [r.id, r.partsSent ?? 0]));
    for (const group of groups) {
      // Only a single row needs several calls (a turn or a text of more than 5 messages): the
      // calls LINE took before a failure are not made again.
      const [first] = group.ids;
      const done = group.calls.length > 1 ? (partsSent.get(first!) ?? 0) : 0;
      for (const [part, call] of group.calls.entries()) {
        if (part < done) continue;
        const token = group.replyTo ? tokens.get(group.replyTo) : undefined;
        if (group.replyTo) tokens.delete(group.replyTo);
        let sent = false;
        if (token) {
          try {
            await client.replyMessage({ replyToken: token, messages: call.messages });
            sent = true;
          } catch (err) {
            // A 400 is LINE's answer to a spent, expired or invalid token: push instead. Anything
            // else (rate limit, server error, timeout) is retried later, by push.
            if (!(isLineApiError(err) && err.status === 400)) throw toDeliveryError('reply', err);
          }
        }
        if (!sent) {
          await storeKeys();
          try {
            await client.pushMessage({ to: recipient, messages: call.messages }, call.retryKey);
          } catch (err) {
            // 409: a push with this retry key was already accepted (our earlier attempt got through).
            if (!(isLineApiError(err) && err.status === 409)) throw toDeliveryError('push', err);
          }
        }
        if (part < group.calls.length - 1) await store.markPartsSent(first!, part + 1);
      }
      // One call took them all: marked sent together, in one commit.
      await Promise.all(group.ids.map((id) => delivered(id)));
    }
  }
}

/**
 * A row's messages in one call where they can be (see {@link inOneCall}). A row whose calls had
 * begun (before an upgrade) keeps the shaping it began with: its parts already shown are counted in it.
 */
function fitted(row: OutboxMessage, messages: messagingApi.TextMessage[]): messagingApi.TextMessage[] {
  return row.partsSent ? messages : inOneCall(messages);
}

/** The replies a row carries: a turn's several, or the one of a reply or an alert. */
function repliesOf(row: OutboxMessage): LineReply[] {
  return row.kind === 'replies' ? rowReplies(row) : [row.payload as LineReply];
}

/** Maps an SDK error to a {@link DeliveryError}; the message carries the call and status only. */
function toDeliveryError(call: 'reply' | 'push', err: unknown): DeliveryError {
  if (isLineApiError(err)) {
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
