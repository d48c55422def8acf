/**
 * The monitoring report's figures on SQLite from running totals (migration 021, decision 0028).
 *
 * A ticket's facts (what it is counted under, the times measured on it, its overdue rows; once for
 * all agencies and once for each agency it is referred to) are computed by the report's own rules
 * (src/monitoring/figures.ts) from the ticket and its audit trail, and kept in tables whose
 * triggers keep totals per Thai day. Triggers on tickets, referrals and audit mark a ticket whose
 * facts may have changed; the marked tickets are computed again in the background, a short step
 * at a time while the bot is quiet (src/monitoring/monitoring-catch-up.ts), and a page view
 * computes a bounded number itself before it reads the totals, and says how many are left
 * (decision 0034). Reading the totals of a period is a few thousand rows whatever the number of
 * tickets.
 *
 * The median and 90th percentile stay exact: the totals hold a histogram of each measure (buckets
 * about 9% wide), which says which bucket holds the value of a rank and its rank within; an index
 * gives that bucket's times in the period in order.
 */
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3-multiple-ciphers';
import { countKeys, overdueRows, ticketIntervals } from '../../monitoring/figures.ts';
import { timeBucket } from '../monitoring-ranks.ts';
import { COUNT_CAP, histogramsOf, orderStatistics, VIEW_MAX_MS, VIEW_MAX_TICKETS, withPending } from '../monitoring-totals.ts';
import type { CountDimension, MonitoringData, MonitoringRefresh, MonitoringTotals, OverdueKind } from '../types/care.ts';
import type { Store } from '../store.ts';
import { toMonitoringTicket } from './care.ts';
import { limit, type Row, type SqliteConnection } from './connection.ts';

/** Tickets computed again per step by default (bulk loads; the store's own steps are sized by time). */
export const CHUNK = 200;

/** Statements by SQL, prepared once per connection. */
type Prepare = (sql: string) => Database.Statement;

/** The Thai calendar day of a stored time, in SQL (Thailand keeps UTC+7 all year). */
const THAI_DAY = (column: string) => `date(${column}, '+7 hours')`;

/**
 * Computes the facts of up to `limit` marked tickets again (a ticket gone loses its facts), and
 * clears their marks unless they were marked again meanwhile; returns how many were marked. Runs
 * its statements in the caller's transaction: one step, nothing else in between.
 */
export function refreshMonitoringFacts(prepare: Prepare, limit = CHUNK): number {
  const marked = prepare('SELECT ticket_ref, v FROM monitoring_dirty LIMIT ?').all(limit) as { ticket_ref: string; v: number }[];
  if (!marked.length) return 0;
  const refs = JSON.stringify(marked.map((m) => m.ticket_ref));
  const tickets = prepare(
    `SELECT t.ref, t.created_at, ${THAI_DAY('t.created_at')} AS day, t.case_type, t.priority, t.status, t.outcome,
            json_extract(t.answers, '$.nationality') AS nationality, json_extract(t.answers, '$.current_country') AS country,
            (SELECT json_group_array(r.agency) FROM referrals r WHERE r.ticket_ref = t.ref) AS agencies
     FROM tickets t WHERE t.ref IN (SELECT value FROM json_each(?))`,
  ).all(refs) as Row[];
  const trails = new Map<string, MonitoringData['audit']>();
  for (const r of prepare('SELECT ticket_ref, actor, action, detail, at FROM audit WHERE ticket_ref IN (SELECT value FROM json_each(?)) ORDER BY ticket_ref, id').all(refs) as Row[]) {
    const ref = r.ticket_ref as string;
    if (!trails.has(ref)) trails.set(ref, []);
    trails.get(ref)!.push({ ticketRef: ref, actor: r.actor as string, action: r.action as string, ...(r.detail ? { detail: JSON.parse(r.detail as string) as Record<string, unknown> } : {}), at: r.at as string });
  }

  for (const table of ['monitoring_scopes', 'monitoring_times', 'monitoring_overdue']) prepare(`DELETE FROM ${table} WHERE ticket_ref IN (SELECT value FROM json_each(?))`).run(refs);
  const scopeRow = prepare('INSERT INTO monitoring_scopes (ticket_ref, scope, day, case_type, priority, nationality, country, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const timeRow = prepare('INSERT INTO monitoring_times (ticket_ref, scope, seq, measure, day, bucket, ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const overdueRow = prepare('INSERT INTO monitoring_overdue (ticket_ref, scope, agency, kind, day, n) VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of tickets) {
    const t = toMonitoringTicket(r);
    const day = r.day as string;
    const keys = countKeys(t);
    const trail = trails.get(t.ref) ?? [];
    for (const scope of ['', ...t.agencies]) {
      const agency = scope || undefined;
      scopeRow.run(t.ref, scope, day, keys.case_type, keys.priority, keys.nationality, keys.country, keys.outcome);
      ticketIntervals(t, trail, agency).forEach((i, seq) => {
        // A time between two rows whose times do not parse is not a time (the app writes ISO times).
        if (Number.isFinite(i.ms)) timeRow.run(t.ref, scope, seq, i.measure, day, timeBucket(i.ms), i.ms);
      });
      const overdue = new Map<string, { agency: string; kind: OverdueKind; n: number }>();
      for (const o of overdueRows(trail, agency)) {
        const key = `${o.agency}\u0000${o.kind}`;
        const seen = overdue.get(key);
        if (seen) seen.n += 1;
        else overdue.set(key, { ...o, n: 1 });
      }
      for (const o of overdue.values()) overdueRow.run(t.ref, scope, o.agency, o.kind, day, o.n);
    }
  }
  const clear = prepare('DELETE FROM monitoring_dirty WHERE ticket_ref = ? AND v = ?');
  for (const m of marked) clear.run(m.ticket_ref, m.v);
  return marked.length;
}

/** Computes the facts of every marked ticket, in one transaction, without yielding (a bulk load, a repair). */
export function refreshAllMonitoringFacts(db: Database.Database): void {
  const statements = new Map<string, Database.Statement>();
  const prepare: Prepare = (sql) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
  db.transaction(() => {
    while (refreshMonitoringFacts(prepare, 2000) > 0);
  })();
}

/** The totals per day computed again from the facts (what the triggers keep as facts come and go). */
const TOTALS = [
  'DELETE FROM monitoring_count_days',
  `INSERT INTO monitoring_count_days (scope, day, dim, value, n)
     SELECT scope, day, 'case_type', case_type, COUNT(*) FROM monitoring_scopes GROUP BY scope, day, case_type
     UNION ALL SELECT scope, day, 'priority', priority, COUNT(*) FROM monitoring_scopes GROUP BY scope, day, priority
     UNION ALL SELECT scope, day, 'nationality', nationality, COUNT(*) FROM monitoring_scopes GROUP BY scope, day, nationality
     UNION ALL SELECT scope, day, 'country', country, COUNT(*) FROM monitoring_scopes GROUP BY scope, day, country
     UNION ALL SELECT scope, day, 'outcome', outcome, COUNT(*) FROM monitoring_scopes GROUP BY scope, day, outcome`,
  'DELETE FROM monitoring_time_days',
  'INSERT INTO monitoring_time_days (scope, day, measure, bucket, n) SELECT scope, day, measure, bucket, COUNT(*) FROM monitoring_times GROUP BY scope, day, measure, bucket',
  'DELETE FROM monitoring_overdue_days',
  'INSERT INTO monitoring_overdue_days (scope, day, agency, kind, n) SELECT scope, day, agency, kind, SUM(n) FROM monitoring_overdue GROUP BY scope, day, agency, kind',
];

/**
 * Computes the facts of the marked tickets with the facts' triggers and index set aside, then
 * the totals from all facts at once: for a bulk load (the scale bench's seed), where keeping the
 * totals row by row costs more than summing them once.
 */
export function bulkRefreshMonitoringFacts(db: Database.Database): void {
  db.transaction(() => {
    const schema = db
      .prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('monitoring_scopes', 'monitoring_times', 'monitoring_overdue') AND sql IS NOT NULL`)
      .all() as { type: string; name: string; sql: string }[];
    for (const { type, name } of schema) db.exec(`DROP ${type === 'index' ? 'INDEX' : 'TRIGGER'} ${name}`);
    refreshAllMonitoringFacts(db);
    for (const sql of TOTALS) db.exec(sql);
    for (const { sql } of schema) db.exec(sql);
  })();
}

/** Computes the facts and totals of every ticket again, from nothing (after a bulk load without the triggers, or to repair them). */
export function rebuildMonitoringFacts(db: Database.Database): void {
  db.transaction(() => {
    for (const table of ['monitoring_scopes', 'monitoring_times', 'monitoring_overdue', 'monitoring_count_days', 'monitoring_time_days', 'monitoring_overdue_days', 'monitoring_dirty']) db.exec(`DELETE FROM ${table}`);
    db.exec('INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets');
    refreshAllMonitoringFacts(db);
  })();
}

/**
 * The totals of the Thai days [fromDay, toDay] for `scope` ('' for all agencies). Reads only the
 * totals and, per order statistic, one bucket's times; `pause` between steps (to let webhooks in).
 */
export async function monitoringTotals(prepare: Prepare, fromDay: string, toDay: string, scope: string, pause: () => Promise<void> = async () => {}): Promise<MonitoringTotals> {
  const counts = (
    prepare('SELECT dim, value, SUM(n) AS n FROM monitoring_count_days WHERE scope = ? AND day >= ? AND day <= ? GROUP BY dim, value HAVING SUM(n) > 0').all(scope, fromDay, toDay) as Row[]
  ).map((r) => ({ dim: r.dim as CountDimension, value: r.value as string, n: r.n as number }));
  const overdue = (
    prepare('SELECT agency, kind, SUM(n) AS n FROM monitoring_overdue_days WHERE scope = ? AND day >= ? AND day <= ? GROUP BY agency, kind HAVING SUM(n) > 0').all(scope, fromDay, toDay) as Row[]
  ).map((r) => ({ agency: r.agency as string, kind: r.kind as OverdueKind, n: r.n as number }));

  await pause();
  const histograms = histogramsOf(
    prepare(
      'SELECT measure, bucket, SUM(n) AS n FROM monitoring_time_days WHERE scope = ? AND day >= ? AND day <= ? GROUP BY measure, bucket HAVING SUM(n) > 0 ORDER BY measure, bucket',
    ).all(scope, fromDay, toDay) as Row[],
  );
  const inBucket = prepare(
    `SELECT ms FROM monitoring_times INDEXED BY monitoring_times_rank
     WHERE scope = ? AND measure = ? AND bucket = ? AND day >= ? AND day <= ? ORDER BY ms LIMIT ? OFFSET ?`,
  );
  const times: MonitoringTotals['times'] = [];
  for (const [measure, histogram] of histograms) {
    // Each measure's reads in a step of their own (a few tenths of a millisecond to a few).
    await pause();
    const read = (bucket: number, n: number, offset: number) => (inBucket.all(scope, measure, bucket, fromDay, toDay, n, offset) as { ms: number }[]).map((r) => r.ms);
    times.push({ measure, ...(await orderStatistics(measure, histogram, read)) });
  }
  return { counts, times, overdue };
}

/** Lets webhooks and timers run between the steps. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long a page view's step may hold the thread (the background's ask for less). */
const VIEW_STEP_MS = 8;
/** Marks counted per step (keyset on the key: a few milliseconds each), up to {@link COUNT_CAP}. */
const COUNT_STEP = 20_000;

/** The {@link Store} methods of the monitoring totals. */
export function monitoringStore(c: SqliteConnection): Pick<Store, 'monitoringTotals' | 'refreshMonitoring'> {
  const prepare: Prepare = (sql) => c.prepare(sql);
  const marked = () => (prepare('SELECT EXISTS (SELECT 1 FROM monitoring_dirty) AS marked').get() as { marked: number }).marked === 1;
  // The time a ticket takes (a running mean over the steps), to size a step by time.
  let msPerTicket = 0.2;
  // Pages reading the totals now. A read runs in several steps; facts changed between them would
  // make the histogram and the times disagree, so no step computes facts while one reads (this
  // connection is the only writer of facts while it is open).
  let readers = 0;
  let readersDone: (() => void)[] = [];
  // The queue's count of work after the last step entered it: what came since is the bot's.
  let afterLastStep = c.enqueued;

  /**
   * One step in the transaction queue: the marked tickets that fit in about `maxMs`, at most
   * `most`. Answered as soon as the step has run, not after the commit's sync to disk: the facts
   * are derived, and a step a power cut takes back leaves its tickets marked (the marks are cleared
   * in the same transaction), so they are computed again. Waiting for each sync held the
   * catch-up to a few hundred tickets a second on this machine.
   */
  const step = async (maxMs: number, most = Number.POSITIVE_INFINITY): Promise<MonitoringRefresh> => {
    for (;;) {
      while (readers > 0) await new Promise<void>((resolve) => readersDone.push(resolve));
      const queuedAt = performance.now();
      const others = Math.max(0, c.enqueued - afterLastStep);
      const done = await new Promise<MonitoringRefresh | undefined>((resolve, reject) => {
        let ran = false;
        c.queued(() => {
          ran = true;
          // A read that began while this step waited in the queue goes first.
          if (readers > 0) return resolve(undefined);
          const started = performance.now();
          const n = Math.max(1, Math.min(most, 2000, Math.max(10, Math.round(maxMs / msPerTicket))));
          const computed = refreshMonitoringFacts(prepare, n);
          const workMs = performance.now() - started;
          if (computed > 0) msPerTicket = Math.min(5, Math.max(0.005, 0.7 * msPerTicket + (0.3 * workMs) / computed));
          resolve({ computed, remaining: marked(), workMs, waitedMs: started - queuedAt, waiting: c.waiting, others });
        }).catch((err: unknown) => {
          // A step that failed is told; one whose commit failed after it ran left its marks.
          if (!ran) reject(err);
        });
        afterLastStep = c.enqueued;
      });
      if (done) return done;
    }
  };

  /** The marked tickets, counted in steps up to `cap` (then `cap + 1`). */
  const countMarked = async (cap = COUNT_CAP): Promise<number> => {
    const page = prepare(`SELECT COUNT(*) AS n, MAX(ticket_ref) AS last FROM (SELECT ticket_ref FROM monitoring_dirty WHERE ticket_ref > ? ORDER BY ticket_ref ${limit(COUNT_STEP)})`);
    let total = 0;
    for (let after = ''; ; ) {
      const { n, last } = page.get(after) as { n: number; last: string | null };
      total += n;
      if (n < COUNT_STEP || last === null) return total;
      if (total > cap) return cap + 1;
      after = last;
      await yieldToLoop();
    }
  };

  return {
    async refreshMonitoring(maxMs) {
      // Looked at outside the queue: when nothing is marked, nothing joins it.
      if (!marked()) return { computed: 0, remaining: false, workMs: 0, waitedMs: 0, waiting: c.waiting, others: 0 };
      return step(maxMs);
    },

    async monitoringTotals(fromDay, toDay, agency) {
      // The marked tickets first when the page can count them all (a busy day's changes), within
      // its bound, a step at a time in the transaction queue (each step atomic: a ticket written
      // meanwhile is marked again and computed later); more (after an upgrade) are left to the
      // background. When none is marked, nothing joins the queue: the totals are read as the
      // statistics are.
      const t0 = performance.now();
      const few = marked() && (await countMarked(VIEW_MAX_TICKETS)) <= VIEW_MAX_TICKETS;
      for (let computed = 0; few && computed < VIEW_MAX_TICKETS && performance.now() - t0 < VIEW_MAX_MS && marked(); ) {
        const s = await step(VIEW_STEP_MS, VIEW_MAX_TICKETS - computed);
        computed += s.computed;
        if (!s.remaining) break;
        await yieldToLoop();
      }
      readers += 1;
      try {
        const pending = marked() ? await countMarked() : 0;
        return withPending(await monitoringTotals(prepare, fromDay, toDay, agency ?? '', yieldToLoop), pending);
      } finally {
        readers -= 1;
        if (readers === 0) {
          const waiting = readersDone;
          readersDone = [];
          for (const resolve of waiting) resolve();
        }
      }
    },
  };
}
