/**
 * Retention (issue 14): what is older than its kind's period goes, daily in the server and on
 * demand (`npm run cli -- retention run [--dry-run]`). Each real run writes one audit row with the
 * counts by kind, never what was removed; the deleted rows leave no copy in the WAL (scrub).
 */
import type { Clock } from '../core/clock.ts';
import type { FileStore } from '../store/file-store.ts';
import type { RetentionKind, Store } from '../store/store.ts';

const DAY_MS = 86_400_000;

/** Counts by kind, and the periods they were taken with. */
export interface RetentionReport {
  counts: Record<RetentionKind, number>;
  periods: Record<RetentionKind, number>;
  dryRun: boolean;
}

/** Runs the purge. */
export class Retention {
  private readonly store: Store;
  private readonly files: FileStore;
  private readonly periods: Record<RetentionKind, number>;
  private readonly clock: Clock;

  constructor(deps: { store: Store; files: FileStore; periods: Record<RetentionKind, number>; clock: Clock }) {
    this.store = deps.store;
    this.files = deps.files;
    this.periods = deps.periods;
    this.clock = deps.clock;
  }

  /** The cutoff of each kind with a period (a kind kept for ever has none). */
  cutoffs(now: Date = this.clock()): Partial<Record<RetentionKind, string>> {
    const out: Partial<Record<RetentionKind, string>> = {};
    for (const [kind, days] of Object.entries(this.periods) as [RetentionKind, number][]) if (days > 0) out[kind] = new Date(now.getTime() - days * DAY_MS).toISOString();
    return out;
  }

  /** Purges (or, with `dryRun`, counts) what is past its period; `actor` goes in the audit row. */
  async run(opts: { dryRun?: boolean; actor?: string } = {}): Promise<RetentionReport> {
    const dryRun = opts.dryRun ?? false;
    const cutoffs = this.cutoffs();
    const result = await this.store.transaction(async (tx) => {
      const r = await tx.purgeExpired(cutoffs, { dryRun });
      // Counts and periods only: the audit trail never says what a purge removed.
      if (!dryRun) await tx.audit({ ticketRef: null, actor: opts.actor ?? 'system', action: 'retention.purged', detail: { counts: r.counts, periods: this.periods } });
      return r;
    });
    if (!dryRun) {
      await this.files.delete(result.files);
      await this.store.scrub();
    }
    return { counts: result.counts, periods: this.periods, dryRun };
  }
}

/** Runs the purge once a day (and once shortly after start); `stop` ends it and waits for a run in progress. */
export function scheduleRetention(retention: Retention, log: { info(o: object, m: string): void; error(o: object, m: string): void }, opts: { everyMs?: number; firstAfterMs?: number } = {}) {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = retention
      .run()
      .then((r) => log.info({ counts: r.counts }, 'retention purge done'))
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
      await running;
    },
  };
}
