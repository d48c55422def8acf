/**
 * The durable inbound queue shared by the platform channels.
 *
 * A webhook stores its events here and answers the platform at once (LINE counts a webhook that
 * takes more than about 2 s as failed; Telegram resends on timeout). The events are then handled
 * in the background: one user's events one after another in arrival order, different users in
 * parallel. A row is deleted once handled, so after a crash the rows left are handled at the next
 * start. Handling is de-duplicated by the conversation (it claims event ids), so handling a row
 * twice is safe.
 *
 * Rows are handled once claimed ({@link Store.claimInbound}): with several instances on one
 * database, a chat's events go to the instance that holds its lease, whichever instance accepted
 * them; the others look again every `claimEveryMs` (a chat let go, an instance that died).
 */
import { EventEmitter } from 'node:events';
import type { DeliveryLog } from '../delivery/outbox-dispatcher.ts';
import type { InboundRow, NewInboundEvent, Store } from '../store/store.ts';
import type { MalformedEvent } from './payload-check.ts';

/** Handles one stored event of a channel. Throws to have it tried again later. */
export type InboundHandler = (row: InboundRow) => Promise<void>;

/**
 * Whether a channel's event is handled quickly and by the database alone (a text, a button): no
 * download, no platform call, no model. Such an event may be handled in the webhook request itself.
 */
export type QuickEvent = (event: NewInboundEvent) => boolean;

/** Options of {@link InboundQueue}. */
export interface InboundQueueOptions {
  store: Store;
  log: DeliveryLog;
  /** Called after each handled event (to wake the outbox dispatcher). */
  onHandled?: () => void;
  /** Attempts before an event that keeps failing is dropped (and audited), so it cannot block its user forever. */
  maxAttempts?: number;
  /** The wait before trying a failed event again, in milliseconds; doubles each time. */
  retryDelayMs?: number;
  /** How often to claim events accepted by other instances or left by one that died (default 500 ms). */
  claimEveryMs?: number;
  /**
   * Handle quick events in the request that brings them ({@link InboundQueue.take}). Only for a
   * store one process uses: with several instances, another may hold the chat's earlier events.
   */
  atOnce?: boolean;
}

/** Rows claimed at a time. */
const CLAIM_BATCH = 1000;

/** Events handled in their requests at the same time, at most; past it, events are stored, and the platform answered at once. */
const MAX_AT_ONCE = 64;

/** Stored events in hand past which new quick events are stored too, not handled at once (see `backlogged`). */
const BACKLOG_STORES = 32;

/** What the queue reports to observers (metrics), by channel; never an event's content. */
export interface InboundQueueEvents {
  accepted: [channel: string];
  handled: [channel: string];
  dropped: [channel: string];
}

/** Accepts platform events durably and hands them to their channel's handler. */
export class InboundQueue {
  /** Accepted, handled and dropped events, for metrics. */
  readonly events = new EventEmitter<InboundQueueEvents>();
  private readonly handlers = new Map<string, { handler: InboundHandler; quick?: QuickEvent }>();
  /** Chats with events stored and not handled yet, by key, and how many; and how many in all. */
  private readonly stored = new Map<string, number>();
  private storedEvents = 0;
  private handlingNow = 0;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly scheduled = new Set<number>();
  private readonly sleeping = new Set<() => void>();
  private stopped = true;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private claimTimer: NodeJS.Timeout | undefined;

  private readonly opts: InboundQueueOptions;

  constructor(opts: InboundQueueOptions) {
    this.opts = opts;
  }

  /** Sets the handler of a channel's events, and which of them may be handled at once ({@link take}). */
  handle(channel: string, handler: InboundHandler, quick?: QuickEvent): void {
    this.handlers.set(channel, { handler, ...(quick ? { quick } : {}) });
  }

  /** Starts handling, beginning with events left over from before a restart. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.claim();
    this.claimTimer = setInterval(() => void this.claim(), this.opts.claimEveryMs ?? 500);
    this.claimTimer.unref();
  }

  /** Claims what this instance may handle now and schedules it; one claim at a time. */
  private claim(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.claiming) {
      this.claimAgain = true;
      return this.claiming;
    }
    this.claiming = (async () => {
      do {
        this.claimAgain = false;
        try {
          const rows = await this.opts.store.claimInbound(CLAIM_BATCH);
          for (const row of rows) this.schedule(row);
          // More left (a backlog from before a restart): every chat's events are scheduled before
          // an event of the same chat may be handled at once.
          if (rows.length === CLAIM_BATCH) this.claimAgain = true;
        } catch (err) {
          this.opts.log.error({ err: { message: (err as Error).message } }, 'inbound claim failed; will retry');
        }
      } while (this.claimAgain && !this.stopped);
    })().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  /**
   * Stores events and schedules them. Resolves once they are committed: only then may the
   * platform be told they were received. Events seen before are skipped.
   */
  async accept(events: NewInboundEvent[]): Promise<void> {
    for (const e of events) this.reserve(keyOf(e));
    await this.storeCounted(events);
  }

  /** Counts an event of a chat as stored from now: one of the same chat arriving meanwhile is not handled before it. */
  private reserve(key: string): void {
    this.stored.set(key, (this.stored.get(key) ?? 0) + 1);
    this.storedEvents += 1;
  }

  /** Stores events already counted by {@link reserve}, and schedules them. */
  private async storeCounted(events: NewInboundEvent[]): Promise<void> {
    if (events.length === 0) return;
    let rows: InboundRow[] = [];
    try {
      rows = await this.opts.store.addInbound(events);
    } finally {
      const added = new Set(rows.map((r) => r.eventId));
      for (const e of events) if (!added.has(e.eventId)) this.unstore(keyOf(e));
    }
    for (const row of rows) this.events.emit('accepted', row.channel);
    if (rows.length) void this.claim();
  }

  /**
   * Takes the events of one webhook request or poll, in order: while they are quick events of
   * chats with nothing stored or in hand, each is handled here and now, and its answer committed
   * before this resolves (so the platform is told it was received once it was handled, and no
   * inbox row is written); the rest, from the first that is not, are stored as by {@link accept}.
   * A chat's events keep their order either way. Handling that fails stores the event instead.
   */
  async take(events: NewInboundEvent[]): Promise<void> {
    let i = 0;
    let first: 'handled' | 'not quick' | 'failed' = 'handled';
    while (i < events.length && (first = await this.handleNow(events[i]!)) === 'handled') i++;
    const rest = events.slice(i);
    // A failed one was counted as stored already, before its chat was let go.
    for (const [n, e] of rest.entries()) if (!(n === 0 && first === 'failed')) this.reserve(keyOf(e));
    await this.storeCounted(rest);
  }

  /** Handles one event at once if it may be: handled, not quick (nothing done), or failed (counted as stored, to be stored). */
  private async handleNow(event: NewInboundEvent): Promise<'handled' | 'not quick' | 'failed'> {
    const entry = this.handlers.get(event.channel);
    const key = keyOf(event);
    if (!this.opts.atOnce || this.stopped || !entry?.quick || this.handlingNow >= MAX_AT_ONCE || this.backlogged() || this.chains.has(key) || this.stored.has(key) || !entry.quick(event)) return 'not quick';
    this.handlingNow += 1;
    const row: InboundRow = { id: 0, channel: event.channel, eventId: event.eventId, userKey: event.userKey, payload: event.payload, attempts: 0, receivedAt: new Date().toISOString() };
    const run = entry.handler(row);
    // Later events of the chat, stored meanwhile, wait for this one.
    const chain = run.then(
      () => true,
      (err: unknown) => {
        this.opts.log.warn({ channel: event.channel, eventId: event.eventId, error: `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? ''}` }, 'event not handled at once; stored to be tried again');
        // Counted as stored while the chat is still held: nothing of it may overtake it now.
        this.reserve(key);
        return false;
      },
    );
    const waited = chain.then(() => undefined);
    this.chains.set(key, waited);
    try {
      const handled = await chain;
      if (handled) {
        this.events.emit('accepted', event.channel);
        this.opts.onHandled?.();
        this.events.emit('handled', event.channel);
      }
      return handled ? 'handled' : 'failed';
    } finally {
      this.handlingNow -= 1;
      if (this.chains.get(key) === waited) this.chains.delete(key);
    }
  }

  /**
   * Whether stored events wait to be handled (not counting those waiting for a retry): then an
   * event handled at once would wait behind them for its turn in the database, and so would its
   * platform's answer. Stored instead, it is acknowledged in the next commit, and handled in order.
   */
  private backlogged(): boolean {
    return this.storedEvents - this.sleeping.size >= BACKLOG_STORES;
  }

  private unstore(key: string): void {
    if (this.stored.has(key)) this.storedEvents -= 1;
    const n = (this.stored.get(key) ?? 1) - 1;
    if (n > 0) this.stored.set(key, n);
    else this.stored.delete(key);
  }

  /**
   * Records events of a known type with a wrong shape instead of storing them for handling: an
   * audit row with the channel, event id, type and the problems' paths, never the content. The
   * event id is claimed, so a redelivery is not recorded twice (nor handled).
   */
  async reject(events: MalformedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.opts.store.transaction(async (tx) => {
      for (const e of events) {
        if (!(await tx.claimEvent(e.channel, e.eventId))) continue;
        await tx.audit({ ticketRef: null, actor: 'system', action: 'inbound.malformed', detail: { channel: e.channel, eventId: e.eventId, type: e.type, problems: e.problems } });
      }
    });
    for (const e of events) this.opts.log.warn({ channel: e.channel, eventId: e.eventId, type: e.type, problems: e.problems }, 'malformed platform event skipped');
  }

  /** Stops taking new work and waits for events being handled; the rest stay stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.claimTimer);
    for (const wakeUp of this.sleeping) wakeUp();
    await this.claiming;
    await this.idle();
  }

  /** True between {@link start} and {@link stop} (readiness). */
  get active(): boolean {
    return !this.stopped;
  }

  /** Resolves when no event is being handled. */
  async idle(): Promise<void> {
    while (this.claiming || this.chains.size) await Promise.all([this.claiming, ...this.chains.values()]);
  }

  private schedule(row: InboundRow): void {
    if (this.stopped || this.scheduled.has(row.id)) return;
    this.scheduled.add(row.id);
    const key = keyOf(row);
    const chain = (this.chains.get(key) ?? Promise.resolve()).then(() => this.run(row));
    this.chains.set(key, chain);
    void chain.finally(() => {
      if (this.chains.get(key) === chain) this.chains.delete(key);
    });
  }

  private async run(row: InboundRow): Promise<void> {
    const { store, log } = this.opts;
    const maxAttempts = this.opts.maxAttempts ?? 5;
    let attempts = row.attempts;
    try {
      while (!this.stopped) {
        const handler = this.handlers.get(row.channel)?.handler;
        try {
          if (!handler) throw new Error(`no handler for channel ${row.channel}`);
          await handler({ ...row, attempts });
          // The answers are committed: send them now, not after the row's deletion commits too.
          this.opts.onHandled?.();
          await store.deleteInbound(row.id);
          this.unstore(keyOf(row));
          this.events.emit('handled', row.channel);
          return;
        } catch (err) {
          attempts += 1;
          // Only the error's name and message: never the event, which may hold what the person wrote.
          const error = `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? ''}`;
          await store.failInbound(row.id, error);
          if (attempts >= maxAttempts) {
            await store.deleteInbound(row.id);
            this.unstore(keyOf(row));
            await store.transaction((tx) => tx.audit({ ticketRef: null, actor: 'system', action: 'inbound.dropped', detail: { channel: row.channel, eventId: row.eventId, attempts, error } }));
            log.error({ channel: row.channel, eventId: row.eventId, attempts, error }, 'inbound event dropped after repeated failures');
            this.events.emit('dropped', row.channel);
            return;
          }
          log.warn({ channel: row.channel, eventId: row.eventId, attempts, error }, 'inbound event failed; will retry');
          await this.sleep((this.opts.retryDelayMs ?? 1000) * 2 ** (attempts - 1));
        }
      }
    } catch (err) {
      // The store itself failed: the row stays and is tried at the next start.
      log.error({ channel: row.channel, eventId: row.eventId, err: { message: (err as Error).message } }, 'inbound queue error');
    } finally {
      this.scheduled.delete(row.id);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleeping.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleeping.add(done);
    });
  }
}

/** A chat's key: its events are handled one after another. */
function keyOf(e: { channel: string; userKey: string }): string {
  return `${e.channel}\u0000${e.userKey}`;
}
