/**
 * The monitoring report's figures on PostgreSQL (decision 0028), aggregated by the server in SQL:
 * the work runs there, not on the Node thread, and several instances share no counters. The
 * rules are those of src/monitoring/figures.ts, written in SQL (a test compares the two on a
 * varied data set): each time from the first row that starts it to the first row after it that
 * ends it, in audit order; the median as the mean of the middle two (`percentile_cont(0.5)`),
 * the 90th percentile by nearest rank (`percentile_disc(0.9)`).
 */
import { FIRST_ACTIONS, MONITORED_ACTIONS, OVERDUE_ACTIONS } from '../../monitoring/figures.ts';
import type { Store } from '../store.ts';
import type { CountDimension, MonitoringTotals, OverdueKind } from '../types/care.ts';
import type { PgContext } from './connection.ts';

/** A json value if it is a string, else NULL. */
const STRING_OR_NULL = (v: string) => `CASE WHEN json_typeof(${v}) = 'string' THEN ${v} #>> '{}' END`;

/**
 * The period's tickets ($1, $2: [start, end); $3 the agency or NULL for all) and their audit rows
 * that the figures read ($4), as common table expressions. The audit rows are read ticket by
 * ticket through the index on the ticket (`OFFSET 0` keeps the planner from turning that into a
 * scan of the whole audit trail, which it chose when it could): the cost follows the period's
 * tickets, not every ticket ever reported.
 */
const PERIOD = `tk AS (
    SELECT t.ref, t.created_at, t.case_type, t.priority, t.status, t.outcome, t.answers FROM tickets t
    WHERE t.created_at >= $1 AND t.created_at < $2 AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = $3))),
  au AS (
    SELECT a.* FROM tk CROSS JOIN LATERAL (
      SELECT a.id, a.ticket_ref, a.actor, a.action, a.detail, a.at FROM audit a WHERE a.ticket_ref = tk.ref AND a.action = ANY($4::text[]) OFFSET 0) a)`;

/**
 * `name` as a common table expression of (key, from_at, to_at): for each ticket and `key` of the
 * rows of `rows`, from the first row that `starts` to the first row after it that `ends`. In
 * window functions over the rows in audit order, not as a join of the starts with the ends: the
 * planner cannot estimate how many rows the JSON conditions keep, took a handful, and joined them
 * in a nested loop, which was most of the report's time (1.1 of 1.5 s at 100k tickets).
 */
const FIRST_END_AFTER_FIRST_START = (name: string, rows: string, key: string, starts: string, ends: string) => `${name}_start AS (
    SELECT ticket_ref, ${key} AS key, id, at, ${ends} AS ends,
           min(id) FILTER (WHERE ${starts}) OVER (PARTITION BY ticket_ref, ${key} ORDER BY id) AS start_id FROM ${rows}),
  ${name} AS (
    SELECT DISTINCT ON (ticket_ref, key) key, from_at, at AS to_at FROM (
      SELECT ticket_ref, key, id, at, ends, start_id, max(at) FILTER (WHERE id = start_id) OVER (PARTITION BY ticket_ref, key) AS from_at FROM ${name}_start) x
    WHERE ends AND start_id IS NOT NULL ORDER BY ticket_ref, key, id)`;

/** Every measured time of the period (measure, ms), as `ticketIntervals` measures them. $5: the first actions. */
const TIMES = `WITH ${PERIOD},
  created AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'ticket.created' ORDER BY ticket_ref, id),
  firsts AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE starts_with(actor, 'staff:') AND action = ANY($5::text[]) ORDER BY ticket_ref, id),
  refs AS (
    SELECT ticket_ref, id, at, action, agency FROM (
      SELECT ticket_ref, id, at, action, ${STRING_OR_NULL(`CASE WHEN action = 'ticket.transferred' THEN detail -> 'to' ELSE detail -> 'agency' END`)} AS agency
      FROM au WHERE action IN ('referral.created', 'ticket.transferred', 'referral.accepted')) r
    WHERE agency IS NOT NULL AND ($3::text IS NULL OR agency = $3)),
  ${FIRST_END_AFTER_FIRST_START('accepted', 'refs', 'agency', `action <> 'referral.accepted'`, `action = 'referral.accepted'`)},
  services AS (
    SELECT ticket_ref, id, at, action, detail #>> '{kind}' AS kind, detail -> 'to' AS status FROM au
    WHERE action IN ('service.requested', 'service.status_changed') AND json_typeof(detail -> 'kind') = 'string'
      AND ($3::text IS NULL OR ${STRING_OR_NULL(`detail -> 'agency'`)} = $3)),
  ${FIRST_END_AFTER_FIRST_START('delivered', 'services', 'kind', `action = 'service.requested'`, `action = 'service.status_changed' AND json_typeof(status) = 'string' AND status #>> '{}' = 'delivered'`)},
  started AS (SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'return.started' ORDER BY ticket_ref, id),
  completed AS (
    SELECT DISTINCT ON (ticket_ref) ticket_ref, at FROM au WHERE action = 'return.completed' AND COALESCE((detail -> 'arrived')::text, '') <> 'false' ORDER BY ticket_ref, id),
  times AS (
    SELECT 'first_action' AS measure, COALESCE(c.at, tk.created_at) AS from_at, f.at AS to_at FROM firsts f JOIN tk ON tk.ref = f.ticket_ref LEFT JOIN created c ON c.ticket_ref = f.ticket_ref
    UNION ALL SELECT 'referral_accepted', from_at, to_at FROM accepted
    UNION ALL SELECT 'service_delivered:' || key, from_at, to_at FROM delivered
    UNION ALL SELECT 'return_completed', s.at, c.at FROM started s JOIN completed c ON c.ticket_ref = s.ticket_ref),
  ms AS (SELECT measure, round(extract(epoch FROM (to_at - from_at)) * 1000)::float8 AS ms FROM times)
SELECT measure, count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median, percentile_disc(0.9::float8) WITHIN GROUP (ORDER BY ms) AS p90
FROM ms GROUP BY measure`;

/** What the period's tickets are counted under, per dimension. */
const COUNTS = `WITH ${PERIOD},
  keys AS (
    SELECT case_type, priority, COALESCE(monitoring_answer(answers, 'nationality'), 'unknown') AS nationality,
           COALESCE(monitoring_answer(answers, 'current_country'), 'unknown') AS country,
           CASE WHEN status = 'closed' THEN COALESCE(outcome, 'other') ELSE 'open' END AS outcome FROM tk)
SELECT 'case_type' AS dim, case_type AS value, count(*)::int AS n FROM keys GROUP BY case_type
UNION ALL SELECT 'priority', priority, count(*)::int FROM keys GROUP BY priority
UNION ALL SELECT 'nationality', nationality, count(*)::int FROM keys GROUP BY nationality
UNION ALL SELECT 'country', country, count(*)::int FROM keys GROUP BY country
UNION ALL SELECT 'outcome', outcome, count(*)::int FROM keys GROUP BY outcome`;

/** Overdue audit rows by the agency they name ($4: the overdue actions, the only rows it reads). */
const OVERDUE = `WITH ${PERIOD}
SELECT ${STRING_OR_NULL(`detail -> 'agency'`)} AS agency, action, count(*)::int AS n FROM au
WHERE json_typeof(detail -> 'agency') = 'string' AND ($3::text IS NULL OR detail #>> '{agency}' = $3)
GROUP BY 1, 2`;

/** The instant a Thai calendar day starts (Thailand keeps UTC+7 all year). */
const dayStart = (day: string) => new Date(`${day}T00:00:00+07:00`);

/** The {@link Store} method of the monitoring totals. */
export function monitoringStore(c: PgContext): Pick<Store, 'monitoringTotals'> {
  return {
    async monitoringTotals(fromDay, toDay, agency) {
      const start = dayStart(fromDay).toISOString();
      const end = new Date(dayStart(toDay).getTime() + 86_400_000).toISOString();
      const period = [start, end, agency ?? null];
      const [counts, times, overdue] = await Promise.all([
        c.sql.rows(COUNTS, [...period, MONITORED_ACTIONS]),
        c.sql.rows(TIMES, [...period, MONITORED_ACTIONS, FIRST_ACTIONS]),
        // Only the overdue rows read from the audit trail (rare ones), not every row the figures read.
        c.sql.rows(OVERDUE, [...period, Object.keys(OVERDUE_ACTIONS)]),
      ]);
      const totals: MonitoringTotals = {
        counts: counts.map((r) => ({ dim: r.dim as CountDimension, value: r.value as string, n: r.n as number })),
        times: times.map((r) => ({ measure: r.measure as string, count: r.n as number, medianMs: r.median as number, p90Ms: r.p90 as number })),
        overdue: overdue.map((r) => ({ agency: r.agency as string, kind: OVERDUE_ACTIONS[r.action as string] as OverdueKind, n: r.n as number })),
      };
      return totals;
    },
  };
}
