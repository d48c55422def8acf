/**
 * The statistics page's numbers from running totals (migration 018, decision 0024): tickets per
 * week of creation, the histogram of first-action waits, and referrals by their ticket's status,
 * each kept by triggers as tickets and referrals are written. The page reads a few hundred rows
 * whatever the number of tickets, so it never holds the one Node thread for long.
 *
 * The median wait is exact (`../wait-histogram.ts`): the histogram (by bucket of about 9%) says which
 * bucket holds the middle ticket and its rank there, and the index of waits gives that bucket's waits in order.
 */
import type { Store, TicketStatsData } from '../store.ts';
import { periodWeeks } from '../stats-weeks.ts';
import { firstWeekPart, WaitHistogram } from '../wait-histogram.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** Lets webhooks and timers run between the steps (each step a few milliseconds at most). */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The {@link Store} method of statistics. */
export function statisticsStore(c: SqliteConnection): Pick<Store, 'ticketStats'> {
  return {
    async ticketStats(since: string, agency?: string): Promise<TicketStatsData> {
      const scope = agency ?? '';
      const { firstWeek, firstWeekStart, firstWeekEnd } = periodWeeks(since);
      const byWeek = (
        c.prepare('SELECT week, case_type, priority, n FROM ticket_weeks WHERE agency = ? AND week > ? AND n > 0 ORDER BY week').all(scope, firstWeek) as Row[]
      ).map((r) => ({ week: r.week as string, caseType: r.case_type as string, priority: r.priority as string, n: r.n as number }));

      // The waits' histogram since `since`: whole weeks from the totals, and the part of the first
      // week after it or, when that is the larger part, the whole week less the part before it.
      const histogram = new WaitHistogram();
      const part = firstWeekPart(since, firstWeekStart, firstWeekEnd);
      for (const r of c.prepare(`SELECT priority, bucket, SUM(n) AS n FROM ticket_wait_weeks WHERE agency = ? AND week ${part.laterHalf ? '>' : '>='} ? GROUP BY priority, bucket`).all(scope, firstWeek) as Row[]) {
        histogram.add(r.priority as string, r.bucket as number, r.n as number);
      }
      const partial = agency
        ? c.prepare(
            `SELECT ticket_priority AS priority, ticket_wait_bucket AS bucket, COUNT(*) AS n FROM referrals
             WHERE agency = ? AND ticket_created_at >= ? AND ticket_created_at < ? AND ticket_wait_bucket IS NOT NULL GROUP BY 1, 2`,
          ).all(agency, part.from, part.to)
        : c.prepare(
            `SELECT priority, first_wait_bucket AS bucket, COUNT(*) AS n FROM tickets
             WHERE created_at >= ? AND created_at < ? AND first_wait_bucket IS NOT NULL GROUP BY 1, 2`,
          ).all(part.from, part.to);
      for (const r of partial as Row[]) histogram.add(r.priority as string, r.bucket as number, part.sign * (r.n as number));
      await yieldToLoop();

      const nth = agency
        ? c.prepare(
            `SELECT ticket_wait_ms AS ms FROM referrals INDEXED BY referrals_waits
             WHERE agency = ? AND ticket_priority = ? AND ticket_wait_bucket = ? AND ticket_created_at >= ? AND ticket_first_action_at IS NOT NULL
             ORDER BY ms LIMIT 1 OFFSET ?`,
          )
        : c.prepare(
            `SELECT first_wait_ms AS ms FROM tickets INDEXED BY tickets_waits
             WHERE priority = ? AND first_wait_bucket = ? AND created_at >= ? AND first_action_at IS NOT NULL
             ORDER BY ms LIMIT 1 OFFSET ?`,
          );
      const medianFirstAction = await histogram.medians((priority, bucket, offset) => {
        const args = [priority, bucket, since, offset];
        return (nth.get(...(agency ? [agency, ...args] : args)) as Row).ms as number;
      }, yieldToLoop);

      const open = agency
        ? c.prepare(`SELECT agency, SUM(n) AS n FROM referral_counts WHERE agency = ? AND ticket_status <> 'closed' GROUP BY agency`).all(agency)
        : c.prepare(`SELECT agency, SUM(n) AS n FROM referral_counts WHERE ticket_status <> 'closed' GROUP BY agency`).all();
      return { byWeek, medianFirstAction, openByAgency: (open as Row[]).map((r) => ({ agency: r.agency as string, n: r.n as number })) };
    },
  };
}
