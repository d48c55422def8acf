/**
 * Retention (issue 14): what is older than its kind's period goes, daily in the server and on
 * demand (`npm run cli -- retention run [--dry-run]`). Each real run writes one audit row with the
 * counts by kind, never what was removed; the deleted rows leave no copy in the WAL (scrub).
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { Clock } from '../core/clock.ts';
import type { FileStore } from '../store/file-store.ts';
import type { RetentionKind, Store } from '../store/store.ts';

const DAY_MS = 86_400_000;
/**
 * Rows a slice of the purge reads or removes, about: some 10 ms of the bot's thread on SQLite (an
 * outbox row with its indexes took 24 µs to remove, a transcript row read 2 µs).
 */
const SLICE_ROWS = 500;
/** Slices between two waits for a checkpoint: some 2,000 WAL pages when a slice removes outbox rows. */
const SLICES_PER_CHECKPOINT = 8;

const sum = (a: Record<RetentionKind, number>, b: Record<RetentionKind, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, n]) => [k, n + b[k as RetentionKind]])) as Record<RetentionKind, number>;

/** Counts by kind, and the periods they were taken with. */
export interface RetentionReport {
  counts: Record<RetentionKind, number>;
  periods: Record<RetentionKind, number>;
  dryRun: boolean;
  /** Stopped by its signal before the end: the next run goes on from what is left. */
  stopped?: true;
}

/** Runs the purge. */
export class Retention {
  private readonly store: Store;
  private readonly files: FileStore;
  private readonly periods: Record<RetentionKind, number>;
  private readonly clock: Clock;
  private readonly sliceRows: number;

  /** `sliceRows`: rows per slice, {@link SLICE_ROWS} unless a test wants many slices of few rows. */
  constructor(deps: { store: Store; files: FileStore; periods: Record<RetentionKind, number>; clock: Clock; sliceRows?: number }) {
    this.store = deps.store;
    this.files = deps.files;
    this.periods = deps.periods;
    this.clock = deps.clock;
    this.sliceRows = deps.sliceRows ?? SLICE_ROWS;
  }

  /** The cutoff of each kind with a period (a kind kept for ever has none). */
  cutoffs(now: Date = this.clock()): Partial<Record<RetentionKind, string>> {
    const out: Partial<Record<RetentionKind, string>> = {};
    for (const [kind, days] of Object.entries(this.periods) as [RetentionKind, number][]) if (days > 0) out[kind] = new Date(now.getTime() - days * DAY_MS).toISOString();
    return out;
  }

  /**
   * Purges (or, with `dryRun`, counts) what is past its period; `actor` goes in the audit row. It
   * goes in slices, each its own transaction (decision 0044): on SQLite a transaction holds the
   * bot's thread, and a busy day's rows, when they come due, had held every webhook for seconds.
   * Each slice's files are deleted once it is committed; the audit row, of the whole run's counts,
   * comes after the last. A dry run's slices are rolled back, and it writes no audit row. With
   * `signal` aborted (the server stopping), it ends after the slice in hand.
   */
  async run(opts: { dryRun?: boolean; actor?: string; signal?: AbortSignal } = {}): Promise<RetentionReport> {
    const dryRun = opts.dryRun ?? false;
    const cutoffs = this.cutoffs();
    let counts = Object.fromEntries(Object.keys(this.periods).map((k) => [k, 0])) as Record<RetentionKind, number>;
    // Counts and periods only: the audit trail never says what a purge removed. A run that fails
    // part-way has committed its slices so far: its row says so, and the next run goes on.
    const audit = (detail: object) =>
      this.store.transaction((tx) => tx.audit({ ticketRef: null, actor: opts.actor ?? 'system', action: 'retention.purged', detail: { counts, periods: this.periods, ...detail } }));
    let from: string | undefined;
    let slices = 0;
    try {
      do {
        const slice = { rows: this.sliceRows, ...(from === undefined ? {} : { from }) };
        const r = await this.store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun, slice }));
        counts = sum(counts, r.counts);
        slices++;
        await this.files.delete(r.files);
        if (r.next !== undefined && r.next === from) throw new Error(`the retention purge did not move on from ${from}: a fault in the store's slices`);
        from = r.next;
        if (from === undefined) break;
        if (opts.signal?.aborted) break;
        // A turn of the event loop between slices, for the webhooks that came meanwhile: a slice
        // that wrote nothing is answered without one, and slices ran back to back for 30 ms.
        await turn();
        // No faster than the slices' pages are copied out of SQLite's WAL: otherwise the WAL
        // outgrew its net and the bot's own commits checkpointed, 70-100 ms each on its thread.
        if (slices % SLICES_PER_CHECKPOINT === 0) await this.store.catchUp();
      } while (from !== undefined);
    } catch (err) {
      if (slices > 0 && !dryRun) await audit({ interrupted: true }).catch(() => undefined);
      throw err;
    }
    const stopped = from !== undefined;
    if (!dryRun) {
      await audit(stopped ? { stopped: true } : {});
      await this.store.scrub();
    }
    return { counts, periods: this.periods, dryRun, ...(stopped ? { stopped } : {}) };
  }
}

/**
 * Runs the purge once a day (and once shortly after start); `stop` ends it and waits for a run in
 * progress. With several instances, `lock` lets one of them run each round.
 */
export function scheduleRetention(
  retention: Retention,
  log: { info(o: object, m: string): void; error(o: object, m: string): void },
  opts: { everyMs?: number; firstAfterMs?: number; lock?: () => Promise<{ release(): Promise<void> } | undefined> } = {},
) {
  let running: Promise<void> | undefined;
  // Stopping ends a run after its slice in hand: a shutdown does not wait for a whole purge.
  const stopping = new AbortController();
  const once = async () => {
    const lock = opts.lock ? await opts.lock() : { release: async () => undefined };
    if (!lock) return;
    try {
      const r = await retention.run({ signal: stopping.signal });
      log.info({ counts: r.counts, ...(r.stopped ? { stopped: true } : {}) }, r.stopped ? 'retention purge stopped, to go on at the next run' : 'retention purge done');
    } finally {
      await lock.release();
    }
  };
  const tick = () => {
    if (running) return;
    running = once()
      .catch((err: Error) => log.error({ err: { message: err.message } }, 'retention purge failed'))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(tick, opts.firstAfterMs ?? 60_000);
  const timer = setInterval(tick, opts.everyMs ?? DAY_MS);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
