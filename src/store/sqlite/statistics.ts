/**
 * The statistics page's numbers from running totals (migration 018, decision 0024): tickets per
 * week of creation, the histogram of first-action waits, and referrals by their ticket's status,
 * each kept by triggers as tickets and referrals are written. The page reads a few hundred rows
 * whatever the number of tickets, so it never holds the one Node thread for long.
 *
 * The median wait is exact: the histogram (by bucket of about 9%) says which bucket holds the
 * middle ticket and its rank there, and the index of waits gives that bucket's waits in order.
 */
import type { Store, TicketStatsData } from '../store.ts';
import { periodWeeks } from '../stats-weeks.ts';
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

      // The waits' histogram since `since`: whole weeks from the totals; of the week `since` falls
      // in, the part after it from the tickets (or referrals) created then, or, when that is the
      // larger part, the whole week less the part before it (at most half a week of tickets read).
      const histogram = new Map<string, Map<number, number>>();
      const add = (priority: string, bucket: number, n: number) => {
        const h = histogram.get(priority) ?? new Map<number, number>();
        h.set(bucket, (h.get(bucket) ?? 0) + n);
        histogram.set(priority, h);
      };
      const laterHalf = Date.parse(since) - Date.parse(firstWeekStart) >= Date.parse(firstWeekEnd) - Date.parse(since);
      for (const r of c.prepare(`SELECT priority, bucket, SUM(n) AS n FROM ticket_wait_weeks WHERE agency = ? AND week ${laterHalf ? '>' : '>='} ? GROUP BY priority, bucket`).all(scope, firstWeek) as Row[]) {
        add(r.priority as string, r.bucket as number, r.n as number);
      }
      const [from, to, sign] = laterHalf ? [since, firstWeekEnd, 1] : [firstWeekStart, since, -1];
      const partial = agency
        ? c.prepare(
            `SELECT ticket_priority AS priority, ticket_wait_bucket AS bucket, COUNT(*) AS n FROM referrals
             WHERE agency = ? AND ticket_created_at >= ? AND ticket_created_at < ? AND ticket_wait_bucket IS NOT NULL GROUP BY 1, 2`,
          ).all(agency, from, to)
        : c.prepare(
            `SELECT priority, first_wait_bucket AS bucket, COUNT(*) AS n FROM tickets
             WHERE created_at >= ? AND created_at < ? AND first_wait_bucket IS NOT NULL GROUP BY 1, 2`,
          ).all(from, to);
      for (const r of partial as Row[]) add(r.priority as string, r.bucket as number, sign * (r.n as number));
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
      /** The wait of the ticket at a rank (from 0) in order of wait. */
      const atRank = (priority: string, buckets: [number, number][], rank: number): number => {
        let before = 0;
        for (const [bucket, n] of buckets) {
          if (rank < before + n) {
            const args = [priority, bucket, since, rank - before];
            return (nth.get(...(agency ? [agency, ...args] : args)) as Row).ms as number;
          }
          before += n;
        }
        throw new Error('rank past the histogram');
      };
      const medianFirstAction = new Map<string, { ms: number | null; count: number }>();
      for (const [priority, h] of histogram) {
        const buckets = [...h].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
        const count = buckets.reduce((sum, [, n]) => sum + n, 0);
        if (!count) continue;
        const mid = Math.floor(count / 2);
        const ms = count % 2 ? atRank(priority, buckets, mid) : (atRank(priority, buckets, mid - 1) + atRank(priority, buckets, mid)) / 2;
        medianFirstAction.set(priority, { ms, count });
        await yieldToLoop();
      }

      const open = agency
        ? c.prepare(`SELECT agency, SUM(n) AS n FROM referral_counts WHERE agency = ? AND ticket_status <> 'closed' GROUP BY agency`).all(agency)
        : c.prepare(`SELECT agency, SUM(n) AS n FROM referral_counts WHERE ticket_status <> 'closed' GROUP BY agency`).all();
      return { byWeek, medianFirstAction, openByAgency: (open as Row[]).map((r) => ({ agency: r.agency as string, n: r.n as number })) };
    },
  };
}
