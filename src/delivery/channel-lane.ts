/**
 * One channel's share of the outbox: its chats are served side by side, each by itself, and the
 * channel's platform is watched for outages.
 *
 * - Chats: up to `concurrency` chats are in flight at once, and a new one starts as soon as any
 *   finishes (no batch waits for its slowest member). A chat is served by one delivery at a time,
 *   so its messages stay in order; a chat in flight is left out of the next query, so a stalled
 *   chat's backlog cannot crowd out the others.
 * - Finding work: rows the store tells of as they are committed ({@link hint}) are served
 *   without a query, danger-path chats first; the store is searched for due rows only at start,
 *   at each poll (retries whose time came) and when an outage ends, or on every wake when the
 *   store cannot tell (a query per finished chat cost a fifth of the CPU under load).
 * - Outages (for senders that can `probe` their platform): after two deliveries in a row fail
 *   with a network error, a timeout or a server error, the channel is taken as down. Its messages
 *   then wait without spending attempts, and the platform is probed with a call that sends
 *   nothing, at growing intervals up to `probeMaxMs`. When it answers, one chat is tried; when
 *   that goes through, every message that waited for the outage is due at once, instead of each
 *   waiting out its own backoff (which would make the recovery as slow as the outage).
 */
import type { Clock } from '../core/clock.ts';
import type { OutboxMessage, Store } from '../store/store.ts';
import { type RetryPolicy, retryDelay } from './backoff.ts';
import { type ChannelSender, DeliveryError } from './channel-sender.ts';
import type { EventEmitter } from 'node:events';
import type { DeliveryLog, DispatcherEvents } from './delivery-types.ts';

/** Options of {@link ChannelLane}. */
export interface LaneOptions {
  store: Store;
  sender: ChannelSender;
  clock: Clock;
  log: DeliveryLog;
  retry: RetryPolicy;
  /** Chats in flight at once. */
  concurrency: number;
  /** The longest wait between two probes of a platform that is down. */
  probeMaxMs: number;
  /** Where sent, retried and given-up messages are told (metrics). */
  events?: EventEmitter<DispatcherEvents>;
  /** The store tells this lane of committed rows ({@link ChannelLane.hint}). */
  hinted?: boolean;
}

/** up: normal; down: nothing is sent, the platform is probed; trial: one chat at a time. */
type Health = 'up' | 'down' | 'trial';

/** Outage failures in a row (across chats) after which the channel is taken as down. */
const OUTAGE_THRESHOLD = 2;
/** The most rows of one chat taken at once. */
const BATCH = 100;
/** The first wait before probing a platform that went down. */
const FIRST_PROBE_MS = 250;

/** Serves one channel's outbox rows. */
export class ChannelLane {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Chats told of by the store and not served since, urgent ones apart (insertion order is age). */
  private readonly hinted = { urgent: new Set<string>(), other: new Set<string>() };
  /** The next round searches the store for due rows. */
  private searchDue = true;
  private filling: Promise<void> | undefined;
  private probing: Promise<void> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private again = false;
  private stopped = true;
  private health: Health = 'up';
  private outagesInRow = 0;
  private failedProbes = 0;
  private failedTrials = 0;

  private readonly opts: LaneOptions;

  constructor(opts: LaneOptions) {
    this.opts = opts;
  }

  get channel(): string {
    return this.opts.sender.channel;
  }

  /** Outages are told apart from a row's own failures only where the platform can be probed. */
  private get watchesOutages(): boolean {
    return typeof this.opts.sender.probe === 'function';
  }

  /**
   * Starts serving. Rows held by an outage before a restart are due at once: the platform may
   * well be back, and if not, the first failures say so again.
   */
  start(): void {
    this.stopped = false;
    const { store, clock, log } = this.opts;
    const released = this.watchesOutages
      ? store.releaseOutage(this.channel, clock()).then(
          () => undefined,
          (err: Error) => log.error({ channel: this.channel, err: { message: err.message } }, 'outbox release failed'),
        )
      : Promise.resolve();
    this.filling = released.then(() => this.fill()).finally(() => (this.filling = undefined));
  }

  /** The store told of a pending row for `recipient`, just committed. */
  hint(recipient: string, urgent: boolean): void {
    if (urgent) {
      this.hinted.other.delete(recipient);
      this.hinted.urgent.add(recipient);
    } else if (!this.hinted.urgent.has(recipient)) this.hinted.other.add(recipient);
    this.wake(false);
  }

  /**
   * Looks for due rows now. `search` (a poll, an outage that ended) searches the store; otherwise
   * only the chats told of by {@link hint} are served, unless the lane gets no hints.
   */
  wake(search = !this.opts.hinted): void {
    if (this.stopped) return;
    if (search) this.searchDue = true;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill().finally(() => (this.filling = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.probeTimer);
    await this.idle();
  }

  /** Resolves when nothing of this channel is being looked up, sent or probed. */
  async idle(): Promise<void> {
    while (this.filling || this.probing || this.inFlight.size) await Promise.all([this.filling, this.probing, ...this.inFlight.values()]);
  }

  private async fill(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.fillOnce();
      } catch (err) {
        // A store error: log and let the next poll try again rather than die.
        this.opts.log.error({ channel: this.channel, err: { message: (err as Error).message } }, 'outbox round failed');
      }
    } while (this.again && !this.stopped);
  }

  private width(): number {
    return this.health === 'down' ? 0 : this.health === 'trial' ? 1 : Math.max(1, this.opts.concurrency);
  }

  /** Up to `free` told-of chats not in flight, urgent first; taken out of the hints. */
  private takeHinted(free: number): string[] {
    const taken: string[] = [];
    for (const set of [this.hinted.urgent, this.hinted.other]) {
      for (const recipient of set) {
        if (taken.length >= free) return taken;
        // A chat in flight keeps its hint: it is served again when it finishes.
        if (this.inFlight.has(recipient)) continue;
        set.delete(recipient);
        taken.push(recipient);
      }
    }
    return taken;
  }

  private async fillOnce(): Promise<void> {
    const free = this.width() - this.inFlight.size;
    if (free <= 0) return;
    const { store, clock } = this.opts;
    let recipients: string[];
    if (this.searchDue) {
      this.searchDue = false;
      // Claimed: with several instances, a chat is delivered by one of them at a time.
      recipients = await store.claimRecipients(this.channel, clock(), free, [...this.inFlight.keys()]);
      for (const r of recipients) this.hinted.urgent.delete(r), this.hinted.other.delete(r);
      // Room left: the told-of chats too (the search leaves out none of them, but is bounded).
      if (recipients.length < free) recipients.push(...this.takeHinted(free - recipients.length).filter((r) => !recipients.includes(r)));
    } else recipients = this.takeHinted(free);
    for (const recipient of recipients) {
      if (this.stopped || this.inFlight.size >= this.width()) return;
      if (this.inFlight.has(recipient)) continue;
      const run = this.serve(recipient).finally(async () => {
        await store.releaseRecipient(this.channel, recipient).catch(() => undefined);
        this.inFlight.delete(recipient);
        this.wake();
      });
      this.inFlight.set(recipient, run);
    }
  }

  /** Serves one chat until it has nothing due: its rows in order, a batch at a time. */
  private async serve(recipient: string): Promise<void> {
    const { store, clock, log } = this.opts;
    try {
      while (!this.stopped && this.health !== 'down') {
        const rows = await store.dueOutboxOf(this.channel, recipient, clock(), BATCH);
        if (rows.length === 0 || !(await this.deliver(recipient, rows))) return;
        // Told of rows as they commit, the lane serves the chat again for those that came
        // meanwhile (it kept their hint); asking the store once more would find nothing.
        if (this.opts.hinted && rows.length < BATCH) return;
      }
    } catch (err) {
      log.error({ channel: this.channel, err: { message: (err as Error).message } }, 'outbox round failed');
    }
  }

  /** Sends a chat's rows; true when all went. */
  private async deliver(recipient: string, rows: OutboxMessage[]): Promise<boolean> {
    const { sender, store, log } = this.opts;
    const sent = new Set<number>();
    try {
      await sender.send(recipient, rows, async (id) => {
        sent.add(id);
        await store.markSent(id);
        this.opts.events?.emit('sent', this.channel);
      });
      this.answered();
      return true;
    } catch (err) {
      try {
        if (sent.size) this.answered();
        const failed = rows.find((r) => !sent.has(r.id));
        // The rows after it wait behind it (see Store.dueOutboxOf), so the chat stays in order.
        if (failed) await this.failed(failed, err);
      } catch (storeErr) {
        log.error({ channel: this.channel, err: { message: (storeErr as Error).message } }, 'outbox bookkeeping failed');
      }
      return false;
    }
  }

  private async failed(row: OutboxMessage, err: unknown): Promise<void> {
    const { store, clock, log, retry } = this.opts;
    const channel = this.channel;
    const e = err instanceof DeliveryError ? err : new DeliveryError(`unexpected: ${(err as Error)?.name ?? 'error'}`, 'transient');
    const attempts = row.attempts + 1;
    const where = { outboxId: row.id, channel, attempts, failure: e.failure };
    // A network error, a timeout or a server error says nothing about the row: the platform is
    // (perhaps) down. A rate limit (with its Retry-After) or a refusal means it is up.
    const outage = this.watchesOutages && e.failure === 'transient' && e.retryAfterMs === undefined;
    if (outage) this.outageSeen();
    else if (e.failure !== 'transient') this.answered();
    if (e.failure === 'transient' && attempts < retry.maxAttempts) {
      const wait = retryDelay(attempts, retry, e.retryAfterMs);
      await store.markRetry(row.id, e.message, new Date(clock().getTime() + wait), { outage });
      log.warn({ ...where, error: e.message, retryInMs: wait }, 'delivery failed; will retry');
      this.opts.events?.emit('retry', channel);
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
    this.opts.events?.emit('failed', channel);
  }

  /** A delivery failed as an outage would make it fail. */
  private outageSeen(): void {
    if (this.health === 'up') {
      this.outagesInRow += 1;
      if (this.outagesInRow >= OUTAGE_THRESHOLD) this.down(Math.min(this.opts.probeMaxMs, FIRST_PROBE_MS));
    } else if (this.health === 'trial') {
      // The platform answers probes but not sends (a partial outage): back off like a row would.
      this.failedTrials += 1;
      this.down(retryDelay(this.failedTrials, this.opts.retry));
    }
  }

  /** The platform took a message or answered for itself: it is up. */
  private answered(): void {
    this.outagesInRow = 0;
    if (this.health === 'up') return;
    this.health = 'up';
    this.failedProbes = 0;
    this.failedTrials = 0;
    clearTimeout(this.probeTimer);
    this.opts.log.info({ channel: this.channel }, 'platform answers again; sending the messages that waited');
    this.opts.store.releaseOutage(this.channel, this.opts.clock()).then(
      () => this.wake(true),
      (err: Error) => this.opts.log.error({ channel: this.channel, err: { message: err.message } }, 'outbox release failed'),
    );
  }

  private down(probeInMs: number): void {
    if (this.health !== 'down') this.opts.log.warn({ channel: this.channel, probeInMs }, 'platform unreachable; its messages wait until it answers');
    this.health = 'down';
    this.outagesInRow = 0;
    this.scheduleProbe(probeInMs);
  }

  private scheduleProbe(ms: number): void {
    clearTimeout(this.probeTimer);
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => {
      this.probing = this.probe().finally(() => (this.probing = undefined));
    }, ms);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.health !== 'down') return;
    try {
      await this.opts.sender.probe!();
    } catch {
      this.failedProbes += 1;
      this.scheduleProbe(Math.min(this.opts.probeMaxMs, FIRST_PROBE_MS * 2 ** this.failedProbes));
      return;
    }
    if (this.stopped || this.health !== 'down') return;
    // It answers: try one chat with everything that waited due, before opening up to all.
    this.health = 'trial';
    try {
      await this.opts.store.releaseOutage(this.channel, this.opts.clock());
    } catch (err) {
      this.opts.log.error({ channel: this.channel, err: { message: (err as Error).message } }, 'outbox release failed');
    }
    this.wake(true);
  }
}
