/**
 * The statistics page's numbers, aggregated by PostgreSQL in SQL (decision 0024): the work runs on
 * the database server, never on the Node thread, and the median is exact (`percentile_cont`, the
 * mean of the two middle waits for an even count, as on SQLite). Open tickets by agency come from
 * the queue's running totals (decision 0033: appended changes, folded, so that instances never
 * contend for a counter row); the weeks and the medians are not kept as totals.
 */
import type { Store, TicketStatsData } from '../store.ts';
import { periodWeeks, THAI_TIME_ZONE } from '../stats-weeks.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} method of statistics. */
export function statisticsStore(c: PgContext): Pick<Store, 'ticketStats'> {
  return {
    async ticketStats(since: string, agency?: string): Promise<TicketStatsData> {
      const { firstWeekEnd } = periodWeeks(since);
      const scope = agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = $2)' : '';
      const [weeks, medians, open] = await Promise.all([
        c.sql.rows(
          // Grouped by the week's timestamp, formatted after: a hash of a few hundred groups
          // instead of a sort of every ticket of the period by a formatted text (2.6 times faster at 1M).
          `SELECT to_char(w, 'YYYY-MM-DD') AS week, case_type, priority, n FROM (
             SELECT date_trunc('week', t.created_at AT TIME ZONE '${THAI_TIME_ZONE}') AS w, t.case_type, t.priority, count(*) AS n
             FROM tickets t WHERE t.created_at >= $1 ${scope} GROUP BY 1, 2, 3) x ORDER BY 1, 2, 3`,
          agency ? [firstWeekEnd, agency] : [firstWeekEnd],
        ),
        c.sql.rows(
          // The waits sorted as intervals, converted to milliseconds once: the same median (times
          // are stored to the millisecond) without numeric arithmetic per ticket (238 to 135 ms at 1M).
          `SELECT t.priority, count(*) AS n,
                  (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY t.first_action_at - t.created_at)) * 1000)::float8 AS ms
           FROM tickets t WHERE t.created_at >= $1 AND t.first_action_at IS NOT NULL ${scope} GROUP BY t.priority`,
          agency ? [since, agency] : [since],
        ),
        // From the queue's running totals (migration 022, decision 0033): the totals folded and the
        // changes not yet folded, instead of joining every referral to its ticket.
        c.sql.rows(
          `SELECT agency, sum(n)::bigint AS n FROM (SELECT agency, ticket_status, n FROM referral_counts UNION ALL SELECT agency, ticket_status, n FROM referral_count_changes) x
           WHERE ticket_status <> 'closed' ${agency ? 'AND agency = $1' : ''} GROUP BY agency HAVING sum(n) > 0 ORDER BY agency`,
          agency ? [agency] : [],
        ),
      ]);
      return {
        byWeek: weeks.map((r) => ({ week: r.week as string, caseType: r.case_type as string, priority: r.priority as string, n: r.n as number })),
        medianFirstAction: new Map(medians.map((r) => [r.priority as string, { ms: r.ms as number, count: r.n as number }])),
        openByAgency: open.map((r) => ({ agency: r.agency as string, n: r.n as number })),
      };
    },
  };
}
