/**
 * The monitoring report's figures on PostgreSQL from per-ticket facts and totals per day
 * (migration 026, decision 0028 and its amendments), as on SQLite: triggers mark a ticket whose
 * figures may have changed; a step computes the marked tickets' facts again and moves the totals
 * by the difference, in one transaction; a page reads the totals of its days, a few thousand rows
 * whatever the number of tickets.
 *
 * The facts are computed by the server, in SQL, by the rules of src/monitoring/figures.ts (a test
 * compares the two on a varied data set): each time from the first row that starts it to the first
 * row after it that ends it, in audit order. One instance computes at a time (an advisory lock of
 * the transaction). A step takes its marks (deletes them) before it reads, so that a write marking
 * one of its tickets meanwhile waits for the step's commit and then leaves a new mark: what that
 * write adds is counted by the next step.
 *
 * The median and 90th percentile stay exact: the totals hold a histogram of each measure, and an
 * index gives one bucket's times in order.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { FIRST_ACTIONS, MONITORED_ACTIONS, OVERDUE_ACTIONS } from '../../monitoring/figures.ts';
import { COUNT_CAP, histogramsOf, orderStatistics, VIEW_MAX_MS, VIEW_MAX_TICKETS, withPending } from '../monitoring-totals.ts';
import type { Store } from '../store.ts';
import type { CountDimension, MonitoringRefresh, MonitoringTotals, OverdueKind } from '../types/care.ts';
import { onOneClient, type PgContext, type Row } from './connection.ts';

/** The advisory lock of a step (one instance computes facts at a time; 1601622 is the totals' fold). */
const STEP_LOCK = 1601623;

/** A json value if it is a string, else NULL. */
const STRING_OR_NULL = (v: string) => `CASE WHEN json_typeof(${v}) = 'string' THEN ${v} #>> '{}' END`;

/**
 * The marked tickets still there ($1: their references) with the Thai day of their creation, and
 * each scope they are counted in: '' (all agencies) and every agency they are referred to.
 */
const MARKED = `tk AS (
    SELECT t.ref, t.created_at, (t.created_at AT TIME ZONE 'Asia/Bangkok')::date AS day, t.case_type, t.priority, t.status, t.outcome, t.answers
    FROM tickets t WHERE t.ref = ANY($1::text[])),
  sc AS (SELECT ref AS ticket_ref, '' AS scope, day FROM tk UNION ALL SELECT r.ticket_ref, r.agency, tk.day FROM referrals r JOIN tk ON tk.ref = r.ticket_ref)`;

/** The marked tickets' audit rows that the figures read ($2: those actions). */
const AUDIT = `au AS (SELECT a.id, a.ticket_ref, a.actor, a.action, a.detail, a.at FROM audit a WHERE a.ticket_ref = ANY($1::text[]) AND a.action = ANY($2::text[]))`;

/**
 * `name` as a common table expression of (ticket_ref, scope, key, from_at, to_at): for each
 * ticket, scope and `key` of the rows of `rows`, from the first row that `starts` to the first row
 * after it that `ends`. In window functions over the rows in audit order rather than a join of the
 * starts with the ends, whose size the planner cannot estimate from the JSON conditions.
 */
const FIRST_END_AFTER_FIRST_START = (name: string, rows: string, key: string, starts: string, ends: string) => `${name}_start AS (
    SELECT ticket_ref, scope, ${key} AS key, id, at, ${ends} AS ends,
           min(id) FILTER (WHERE ${starts}) OVER (PARTITION BY ticket_ref, scope, ${key} ORDER BY id) AS start_id FROM ${rows}),
  ${name} AS (
    SELECT DISTINCT ON (ticket_ref, scope, key) ticket_ref, scope, key, from_at, at AS to_at FROM (
      SELECT ticket_ref, scope, key, id, at, ends, start_id, max(at) FILTER (WHERE id = start_id) OVER (PARTITION BY ticket_ref, scope, key) AS from_at FROM ${name}_start) x
    WHERE ends AND start_id IS NOT NULL ORDER BY ticket_ref, scope, key, id)`;

/**
 * A ticket's answer at `key` when it is a string, else NULL. Read by the json operators when the
 * answers hold no escaped U+0000, else by `monitoring_answer` (migration 021), which survives one
 * but costs a subtransaction a call.
 */
const ANSWER = (answers: string, key: string) =>
  `CASE WHEN strpos(${answers}::text, '\\u0000') = 0 THEN ${STRING_OR_NULL(`${answers} -> '${key}'`)} ELSE monitoring_answer(${answers}, '${key}') END`;

/** A time's bucket: eight per doubling from a second, 0 under a second (never smaller for a longer time). */
const BUCKET = (ms: string) => `CASE WHEN ${ms} < 1000 THEN 0 ELSE (1 + floor(ln(${ms} / 1000) / ln(2) * 8))::integer END`;

/** Moves a totals table by the facts `changed` holds (`sign` -1 for facts removed), in the order of its key. */
const MOVE = (table: string, keys: string, n: string, sign: 1 | -1, source = 'changed') =>
  `INSERT INTO ${table} AS d (${keys}, n) SELECT ${keys}, ${sign === 1 ? '' : '-'}${n} FROM ${source} GROUP BY ${keys} ORDER BY ${keys}
   ON CONFLICT (${keys}) DO UPDATE SET n = d.n + excluded.n`;

/** A table of facts: what its rows give (`returning`) and how they move its totals. */
interface Facts {
  table: string;
  totals: string;
  returning: string;
  /** The statement's end that moves the totals by the facts in `changed` (a common table expression before it). */
  move(sign: 1 | -1): string;
}

const SCOPES: Facts = {
  table: 'monitoring_scopes',
  totals: 'monitoring_count_days',
  returning: 'scope, day, case_type, priority, nationality, country, outcome',
  // What a ticket is counted under, one row per dimension.
  move: (sign) => `, keyed AS (
    SELECT scope, day, k.dim, k.value FROM changed CROSS JOIN LATERAL (VALUES ('case_type', case_type), ('priority', priority), ('nationality', nationality), ('country', country), ('outcome', outcome)) AS k(dim, value))
  ${MOVE('monitoring_count_days', 'scope, day, dim, value', 'count(*)', sign, 'keyed')}`,
};
const TIMES: Facts = {
  table: 'monitoring_times',
  totals: 'monitoring_time_days',
  returning: 'scope, day, measure, bucket',
  move: (sign) => MOVE('monitoring_time_days', 'scope, day, measure, bucket', 'count(*)', sign),
};
const OVERDUE: Facts = {
  table: 'monitoring_overdue',
  totals: 'monitoring_overdue_days',
  returning: 'scope, day, agency, action, n',
  move: (sign) => MOVE('monitoring_overdue_days', 'scope, day, agency, action', 'sum(n)', sign),
};
const FACTS = [SCOPES, TIMES, OVERDUE];

/** The end of a statement that wrote facts into `changed`: the totals moved up by them, or nothing (a bulk load sums them after). */
const THEN = (f: Facts, totals: boolean) => (totals ? f.move(1) : 'SELECT 1');

/** The facts of the tickets $1 removed, and with `totals` the totals moved down by them. */
const REMOVE = (f: Facts, totals: boolean) =>
  totals ? `WITH changed AS (DELETE FROM ${f.table} WHERE ticket_ref = ANY($1::text[]) RETURNING ${f.returning}) ${f.move(-1)}` : `DELETE FROM ${f.table} WHERE ticket_ref = ANY($1::text[])`;

/** What each marked ticket is counted under, per scope. */
const ADD_SCOPES = (totals: boolean) => `WITH ${MARKED},
  changed AS (
    INSERT INTO monitoring_scopes (ticket_ref, scope, day, case_type, priority, nationality, country, outcome)
    SELECT sc.ticket_ref, sc.scope, sc.day, k.case_type, k.priority, k.nationality, k.country, k.outcome FROM sc JOIN (
      SELECT ref, case_type, priority, COALESCE(${ANSWER('answers', 'nationality')}, 'unknown') AS nationality,
             COALESCE(${ANSWER('answers', 'current_country')}, 'unknown') AS country, CASE WHEN status = 'closed' THEN COALESCE(outcome, 'other') ELSE 'open' END AS outcome
      FROM tk) k ON k.ref = sc.ticket_ref
    RETURNING ${SCOPES.returning}) ${THEN(SCOPES, totals)}`;

/** Every time measured on each marked ticket, per scope, as `ticketIntervals` measures them ($3: the first actions). */
const ADD_TIMES = (totals: boolean) => `WITH ${MARKED}, ${AUDIT},
  created AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'ticket.created' ORDER BY ticket_ref, id),
  firsts AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE starts_with(actor, 'staff:') AND action = ANY($3::text[]) ORDER BY ticket_ref, id),
  refs AS (
    SELECT sc.scope, r.ticket_ref, r.id, r.at, r.action, r.agency FROM (
      SELECT ticket_ref, id, at, action, ${STRING_OR_NULL(`CASE WHEN action = 'ticket.transferred' THEN detail -> 'to' ELSE detail -> 'agency' END`)} AS agency
      FROM au WHERE action IN ('referral.created', 'ticket.transferred', 'referral.accepted')) r
    JOIN sc ON sc.ticket_ref = r.ticket_ref AND (sc.scope = '' OR sc.scope = r.agency)
    WHERE r.agency IS NOT NULL),
  ${FIRST_END_AFTER_FIRST_START('accepted', 'refs', 'agency', `action <> 'referral.accepted'`, `action = 'referral.accepted'`)},
  services AS (
    SELECT sc.scope, s.* FROM (
      SELECT ticket_ref, id, at, action, detail #>> '{kind}' AS kind, detail -> 'to' AS status, ${STRING_OR_NULL(`detail -> 'agency'`)} AS agency FROM au
      WHERE action IN ('service.requested', 'service.status_changed') AND json_typeof(detail -> 'kind') = 'string') s
    JOIN sc ON sc.ticket_ref = s.ticket_ref AND (sc.scope = '' OR sc.scope = s.agency)),
  ${FIRST_END_AFTER_FIRST_START('delivered', 'services', 'kind', `action = 'service.requested'`, `action = 'service.status_changed' AND json_typeof(status) = 'string' AND status #>> '{}' = 'delivered'`)},
  started AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'return.started' ORDER BY ticket_ref, id),
  completed AS (
    SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'return.completed' AND COALESCE((detail -> 'arrived')::text, '') <> 'false' ORDER BY ticket_ref, id),
  times AS (
    SELECT sc.ticket_ref, sc.scope, 'first_action' AS measure, COALESCE(c.at, tk.created_at) AS from_at, f.at AS to_at
    FROM firsts f JOIN tk ON tk.ref = f.ticket_ref JOIN sc ON sc.ticket_ref = f.ticket_ref LEFT JOIN created c ON c.ticket_ref = f.ticket_ref
    UNION ALL SELECT ticket_ref, scope, 'referral_accepted', from_at, to_at FROM accepted
    UNION ALL SELECT ticket_ref, scope, 'service_delivered:' || key, from_at, to_at FROM delivered
    UNION ALL SELECT sc.ticket_ref, sc.scope, 'return_completed', s.at, c.at FROM started s JOIN completed c ON c.ticket_ref = s.ticket_ref JOIN sc ON sc.ticket_ref = s.ticket_ref),
  ms AS (SELECT t.ticket_ref, t.scope, t.measure, tk.day, round(extract(epoch FROM (t.to_at - t.from_at)) * 1000)::float8 AS ms FROM times t JOIN tk ON tk.ref = t.ticket_ref),
  changed AS (
    INSERT INTO monitoring_times (ticket_ref, scope, measure, day, bucket, ms) SELECT ticket_ref, scope, measure, day, ${BUCKET('ms')}, ms FROM ms
    RETURNING ${TIMES.returning}) ${THEN(TIMES, totals)}`;

/** Each marked ticket's overdue rows by the agency they name, per scope ($2: the overdue actions). */
const ADD_OVERDUE = (totals: boolean) => `WITH ${MARKED},
  o AS (SELECT a.ticket_ref, ${STRING_OR_NULL(`a.detail -> 'agency'`)} AS agency, a.action FROM audit a WHERE a.ticket_ref = ANY($1::text[]) AND a.action = ANY($2::text[])),
  changed AS (
    INSERT INTO monitoring_overdue (ticket_ref, scope, agency, action, day, n)
    SELECT o.ticket_ref, sc.scope, o.agency, o.action, sc.day, count(*) FROM o JOIN sc ON sc.ticket_ref = o.ticket_ref AND (sc.scope = '' OR sc.scope = o.agency)
    WHERE o.agency IS NOT NULL GROUP BY o.ticket_ref, sc.scope, o.agency, o.action, sc.day
    RETURNING ${OVERDUE.returning}) ${THEN(OVERDUE, totals)}`;

/** What a step did: the tickets computed, and those whose rows the SQL could not read (left out of the figures). */
export interface FactsStep {
  computed: number;
  unreadable: number;
}

/**
 * Computes the facts of up to `most` marked tickets again (a ticket gone loses its facts) and
 * clears their marks, in the caller's transaction on `client`. Waits for another instance's step,
 * if one runs. `totals: false` leaves the totals as they are (a bulk load, which sums them once
 * after: {@link sumMonitoringTotals}).
 */
export async function refreshMonitoringFacts(client: pg.PoolClient, most: number, totals = true): Promise<FactsStep> {
  await client.query(`SELECT pg_advisory_xact_lock(${STEP_LOCK})`);
  // The planner cannot tell how many rows the JSON conditions keep, guesses far too many, and
  // compiled each statement with JIT: 0.9 of the 1.8 s of a step of 5,000 tickets.
  await client.query('SET LOCAL jit = off');
  // The marks are taken (deleted) first: a write marking one of these tickets from now on waits
  // for this step's commit, then marks it again, so that what it wrote is counted by the next step.
  // Marks a write in flight holds are skipped.
  const refs = (
    await client.query(
      'DELETE FROM monitoring_dirty WHERE ticket_ref IN (SELECT ticket_ref FROM monitoring_dirty ORDER BY ticket_ref LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING ticket_ref',
      [most],
    )
  ).rows.map((r: { ticket_ref: string }) => r.ticket_ref);
  const compute = async (tickets: string[]) => {
    for (const f of FACTS) await client.query(REMOVE(f, totals), [tickets]);
    await client.query(ADD_SCOPES(totals), [tickets]);
    await client.query(ADD_TIMES(totals), [tickets, MONITORED_ACTIONS, FIRST_ACTIONS]);
    await client.query(ADD_OVERDUE(totals), [tickets, Object.keys(OVERDUE_ACTIONS)]);
  };
  /** Runs `work` in a savepoint: true if it succeeded, false (and undone) if it threw. */
  const inSavepoint = async (work: () => Promise<void>) => {
    await client.query('SAVEPOINT facts');
    try {
      await work();
      await client.query('RELEASE SAVEPOINT facts');
      return true;
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT facts');
      return false;
    }
  };
  if (!refs.length || (await inSavepoint(() => compute(refs)))) return { computed: refs.length, unreadable: 0 };
  // A ticket whose rows the SQL cannot read (a JSON escape it rejects, say) must not hold every
  // later step back: the tickets one by one, and one that fails alone loses its facts and mark.
  let unreadable = 0;
  for (const ref of refs) {
    if (await inSavepoint(() => compute([ref]))) continue;
    unreadable += 1;
    for (const f of FACTS) await client.query(REMOVE(f, totals), [[ref]]);
  }
  return { computed: refs.length - unreadable, unreadable };
}

/** Sums every total again from the facts (after a bulk load that left them out), in the caller's transaction. */
export async function sumMonitoringTotals(client: pg.PoolClient): Promise<void> {
  await client.query(`TRUNCATE ${FACTS.map((f) => f.totals).join(', ')}`);
  for (const f of FACTS) await client.query(`WITH changed AS (SELECT * FROM ${f.table}) ${f.move(1)}`);
}

/**
 * Computes the facts of every marked ticket, `chunk` at a time, each chunk its own transaction, and
 * then sums the totals once from all facts: a bulk load, such as the scale bench's seed, which
 * marks its tickets; a repair after marking every ticket.
 */
export async function bulkRefreshMonitoringFacts(c: Pick<PgContext, 'pool' | 'ready'>, chunk = 5000): Promise<FactsStep> {
  const done: FactsStep = { computed: 0, unreadable: 0 };
  for (let n = chunk; n === chunk; ) {
    const step = await onOneClient(c, 'BEGIN', (client) => refreshMonitoringFacts(client, chunk, false));
    done.computed += step.computed;
    done.unreadable += step.unreadable;
    n = step.computed + step.unreadable;
  }
  await onOneClient(c, 'BEGIN', (client) => sumMonitoringTotals(client));
  return done;
}

/** The totals of the Thai days [fromDay, toDay] for `scope` ('' for all agencies), on one snapshot. */
async function readTotals(client: pg.PoolClient, fromDay: string, toDay: string, scope: string): Promise<MonitoringTotals> {
  const rows = async (text: string, params: unknown[]) => (await client.query(text, params)).rows as Row[];
  const period = [scope, fromDay, toDay];
  const during = 'scope = $1 AND day >= $2::date AND day <= $3::date';
  const counts = await rows(`SELECT dim, value, sum(n)::bigint AS n FROM monitoring_count_days WHERE ${during} GROUP BY dim, value HAVING sum(n) > 0`, period);
  const overdue = await rows(`SELECT agency, action, sum(n)::bigint AS n FROM monitoring_overdue_days WHERE ${during} GROUP BY agency, action HAVING sum(n) > 0`, period);
  const histograms = histogramsOf(
    await rows(`SELECT measure, bucket, sum(n)::bigint AS n FROM monitoring_time_days WHERE ${during} GROUP BY measure, bucket HAVING sum(n) > 0 ORDER BY measure, bucket`, period),
  );
  const times: MonitoringTotals['times'] = [];
  for (const [measure, histogram] of histograms) {
    const read = async (bucket: number, n: number, offset: number) =>
      (await rows(`SELECT ms FROM monitoring_times WHERE ${during} AND measure = $4 AND bucket = $5 ORDER BY ms LIMIT $6 OFFSET $7`, [...period, measure, bucket, n, offset])).map((r) => r.ms as number);
    times.push({ measure, ...(await orderStatistics(measure, histogram, read)) });
  }
  return {
    counts: counts.map((r) => ({ dim: r.dim as CountDimension, value: r.value as string, n: r.n as number })),
    times,
    overdue: overdue.map((r) => ({ agency: r.agency as string, kind: OVERDUE_ACTIONS[r.action as string] as OverdueKind, n: r.n as number })),
  };
}

/** The {@link Store} methods of the monitoring totals. */
export function monitoringStore(c: PgContext): Pick<Store, 'monitoringTotals' | 'refreshMonitoring'> {
  /** How long a ticket takes (a running mean over the steps), to size a step by time. */
  let msPerTicket = 0.2;
  const marked = async () => (await c.sql.one('SELECT EXISTS (SELECT 1 FROM monitoring_dirty) AS marked'))?.marked === true;
  /** The marked tickets, counted up to `cap` (then `cap + 1`). */
  const countMarked = async (cap: number) => (await c.sql.one('SELECT count(*)::int AS n FROM (SELECT 1 FROM monitoring_dirty LIMIT $1) m', [cap + 1]))?.n as number;

  /** One step: the marked tickets that fit in about `maxMs`, at most `most`. */
  const step = async (maxMs: number, most = Number.POSITIVE_INFINITY): Promise<MonitoringRefresh> => {
    const n = Math.max(1, Math.min(most, 2000, Math.max(10, Math.round(maxMs / msPerTicket))));
    const started = performance.now();
    const { computed, unreadable } = await onOneClient(c, 'BEGIN', (client) => refreshMonitoringFacts(client, n));
    const workMs = performance.now() - started;
    if (computed > 0) msPerTicket = Math.min(5, Math.max(0.005, 0.7 * msPerTicket + (0.3 * workMs) / computed));
    // The work ran on the server: the bot's thread did not wait behind it, nor it behind the bot.
    // Requests waiting for a connection of the pool say the instance is busy.
    const done = { computed, remaining: await marked(), workMs, waitedMs: 0, waiting: c.pool.waitingCount, others: 0 };
    return unreadable ? { ...done, unreadable } : done;
  };

  return {
    async refreshMonitoring(maxMs) {
      if (!(await marked())) return { computed: 0, remaining: false, workMs: 0, waitedMs: 0, waiting: 0, others: 0 };
      return step(maxMs);
    },

    async monitoringTotals(fromDay, toDay, agency) {
      // A busy day's changes first, within the page's bound; more (after an upgrade) are left to
      // the background catch-up, and the page says how many.
      const t0 = performance.now();
      const marks = await countMarked(VIEW_MAX_TICKETS);
      let unreadable = 0;
      if (marks > 0 && marks <= VIEW_MAX_TICKETS) {
        for (let computed = 0; computed < VIEW_MAX_TICKETS && performance.now() - t0 < VIEW_MAX_MS; ) {
          const s = await step(VIEW_MAX_MS - (performance.now() - t0), VIEW_MAX_TICKETS - computed);
          computed += s.computed;
          unreadable += s.unreadable ?? 0;
          if (!s.remaining || s.computed === 0) break;
        }
      }
      const pending = await countMarked(COUNT_CAP);
      const totals = withPending(await onOneClient(c, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) => readTotals(client, fromDay, toDay, agency ?? '')), pending);
      return unreadable ? { ...totals, unreadable } : totals;
    },
  };
}
