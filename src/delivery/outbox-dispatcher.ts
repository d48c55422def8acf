/**
 * Delivers pending outbox rows through each channel's {@link ChannelSender}.
 *
 * Delivery is at least once: rows are written in the conversation's transaction, sent afterwards,
 * and marked sent right after the platform accepted them. A crash in between leaves them pending,
 * and they are sent at the next start. Messages of one chat go out in order: one recipient's rows
 * are handed to its sender together, and a row that waits for a retry holds back the later ones
 * (see `Store.dueOutbox`). Different chats are served in parallel.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../core/clock.ts';
import type { OutboxMessage, Store } from '../store/store.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from './backoff.ts';
import { type ChannelSender, DeliveryError } from './channel-sender.ts';

/** Where the dispatcher reports; a pino logger fits. Never given message content. */
export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link OutboxDispatcher}. */
export interface DispatcherOptions {
  store: Store;
  senders: ChannelSender[];
  clock: Clock;
  log: DeliveryLog;
  retry?: RetryPolicy;
  /** How often to look for rows whose retry time has come, in milliseconds. */
  pollMs?: number;
  /** How many chats are served at once. */
  concurrency?: number;
}

/** What the dispatcher reports to observers (metrics), by channel; never a message's content. */
export interface DispatcherEvents {
  sent: [channel: string];
  retry: [channel: string];
  failed: [channel: string];
}

/** Sends the outbox; {@link wake} it after writing rows, {@link stop} it before closing the store. */
export class OutboxDispatcher {
  /** Sent, retried and given-up messages, for metrics. */
  readonly events = new EventEmitter<DispatcherEvents>();
  private readonly retry: RetryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  private readonly opts: DispatcherOptions;

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
    this.retry = opts.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Starts: sends whatever was left pending (by a crash, or an outage), then keeps polling. */
  start(): void {
    if (!this.stopped || this.opts.senders.length === 0) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a delivery round now (rows were just written). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Stops polling and waits for the round in progress; unsent rows stay pending for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** True between {@link start} and {@link stop} (readiness). */
  get active(): boolean {
    return !this.stopped;
  }

  /** Resolves when no round is running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.round();
      } catch (err) {
        // A store error: log and let the next poll try again rather than die.
        this.opts.log.error({ err: { message: (err as Error).message } }, 'outbox round failed');
      }
    } while (this.again && !this.stopped);
  }

  private async round(): Promise<void> {
    for (const sender of this.opts.senders) {
      if (this.stopped) return;
      const due = await this.opts.store.dueOutbox(sender.channel, this.opts.clock(), 500);
      const byRecipient = new Map<string, OutboxMessage[]>();
      for (const m of due) byRecipient.set(m.recipient, [...(byRecipient.get(m.recipient) ?? []), m]);
      const chats = [...byRecipient.entries()];
      const width = Math.max(1, this.opts.concurrency ?? 8);
      for (let i = 0; i < chats.length; i += width) {
        await Promise.all(chats.slice(i, i + width).map(([recipient, rows]) => this.deliver(sender, recipient, rows)));
      }
    }
  }

  private async deliver(sender: ChannelSender, recipient: string, rows: OutboxMessage[]): Promise<void> {
    const sent = new Set<number>();
    try {
      await sender.send(recipient, rows, async (id) => {
        sent.add(id);
        await this.opts.store.markSent(id);
        this.events.emit('sent', sender.channel);
      });
    } catch (err) {
      const failed = rows.find((r) => !sent.has(r.id));
      if (failed) await this.failed(sender.channel, failed, err);
      // The rows after it are picked up in a later round, behind it.
      this.again = this.again || Boolean(failed);
    }
  }

  private async failed(channel: string, row: OutboxMessage, err: unknown): Promise<void> {
    const { store, clock, log } = this.opts;
    const e = err instanceof DeliveryError ? err : new DeliveryError(`unexpected: ${(err as Error)?.name ?? 'error'}`, 'transient');
    const attempts = row.attempts + 1;
    const where = { outboxId: row.id, channel, attempts, failure: e.failure };
    if (e.failure === 'transient' && attempts < this.retry.maxAttempts) {
      const wait = retryDelay(attempts, this.retry, e.retryAfterMs);
      await store.markRetry(row.id, e.message, new Date(clock().getTime() + wait));
      log.warn({ ...where, error: e.message, retryInMs: wait }, 'delivery failed; will retry');
      this.events.emit('retry', channel);
      return;
    }
    await store.markFailed(row.id, e.message);
    // An alert's recipient is a staff group or a webhook, not a reporter's chat.
    const alertRef = row.kind === 'notify' ? (row.payload as { ticketRef?: unknown })?.ticketRef : undefined;
    if (e.failure === 'unreachable' && row.kind !== 'notify') await store.setUnreachable(channel, row.recipient, true);
    // Staff see on the ticket that the person (or the agency, for an alert) did not get this message.
    await store.transaction(async (tx) => {
      const ref = typeof alertRef === 'string' ? alertRef : (await tx.ticketsOfUser(channel, row.recipient))[0]?.ref;
      await tx.audit({ ticketRef: ref ?? null, actor: 'system', action: 'outbox.failed', detail: { ...where, kind: row.kind, error: e.message } });
    });
    log.error({ ...where, error: e.message }, 'delivery given up');
    this.events.emit('failed', channel);
  }
}
