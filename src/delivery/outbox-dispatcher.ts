/**
 * Delivers pending outbox rows through each channel's {@link ChannelSender}.
 *
 * Delivery is at least once: rows are written in the conversation's transaction, sent afterwards,
 * and marked sent right after the platform accepted them. A crash in between leaves them pending,
 * and they are sent at the next start (LINE pushes carry a retry key, so LINE drops the repeat).
 * Each channel is served by its own {@link ChannelLane}: a platform that hangs or is down holds
 * back only its own messages, and within a channel every chat is served by itself. Messages of
 * one chat go out in order: a row that waits for a retry holds back the later ones (see
 * `Store.dueOutboxOf`).
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.ts';
import type { ChannelSender } from './channel-sender.ts';
import { ChannelLane } from './channel-lane.ts';
import type { DeliveryLog, DispatcherEvents } from './delivery-types.ts';

export type { DeliveryLog, DispatcherEvents } from './delivery-types.ts';


/**
 * Chats of one channel served at once. Serving a chat waits on a few commits and one platform
 * call, so the rate is about this many chats per round trip: 64 capped delivery below the rate
 * events came in under load (issue 12). A platform that hangs holds only its own lane's chats.
 */
const DEFAULT_CONCURRENCY = 256;

/** Options of {@link OutboxDispatcher}. */
export interface DispatcherOptions {
  store: Store;
  senders: ChannelSender[];
  clock: Clock;
  log: DeliveryLog;
  retry?: RetryPolicy;
  /** How often to look for rows whose retry time has come, in milliseconds. */
  pollMs?: number;
  /** How many chats of one channel are served at once. */
  concurrency?: number;
  /** While a platform is down, the longest wait between two checks whether it is back. */
  probeMaxMs?: number;
}


/** Sends the outbox; {@link wake} it after writing rows, {@link stop} it before closing the store. */
export class OutboxDispatcher {
  /** Sent, retried and given-up messages, for metrics. */
  readonly events = new EventEmitter<DispatcherEvents>();
  private readonly lanes: ChannelLane[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  private readonly opts: DispatcherOptions;

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
    const retry = opts.retry ?? DEFAULT_RETRY_POLICY;
    const hinted = typeof opts.store.onOutboxWritten === 'function';
    this.lanes = opts.senders.map(
      (sender) =>
        new ChannelLane({ store: opts.store, sender, clock: opts.clock, log: opts.log, retry, concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY, probeMaxMs: opts.probeMaxMs ?? 2000, events: this.events, hinted }),
    );
    // Rows are served as they are committed, rather than found by a query after each event.
    const byChannel = new Map(this.lanes.map((lane) => [lane.channel, lane]));
    opts.store.onOutboxWritten?.((channel, recipient, urgent) => {
      if (!this.stopped) byChannel.get(channel)?.hint(recipient, urgent);
    });
  }

  /** Starts: sends whatever was left pending (by a crash, or an outage), then keeps polling. */
  start(): void {
    if (!this.stopped || this.lanes.length === 0) return;
    this.stopped = false;
    for (const lane of this.lanes) lane.start();
    // The poll finds what no hint tells of: retries whose time came, rows of another process.
    this.timer = setInterval(() => {
      for (const lane of this.lanes) lane.wake(true);
    }, this.opts.pollMs ?? 1000);
    this.timer.unref();
  }

  /** Asks every channel to look for due rows now (rows were just written; with hints, a no-op unless some came). */
  wake(): void {
    if (this.stopped) return;
    for (const lane of this.lanes) lane.wake();
  }

  /** Stops polling and waits for the deliveries in progress; unsent rows stay pending for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.lanes.map((lane) => lane.stop()));
  }

  /** True between {@link start} and {@link stop} (readiness). */
  get active(): boolean {
    return !this.stopped;
  }

  /** Resolves when nothing is being sent (for tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.idle()));
  }
}
