/**
 * The statistics page's numbers from running totals on PostgreSQL (migration 024, decision 0039),
 * as SQLite keeps them (decision 0024): tickets per week of creation and a histogram of first-action
 * waits, kept with the queue's change-and-fold scheme (decision 0033: triggers append +1 / -1 rows,
 * folded every few seconds, so that instances never contend for a counter row). The page reads
 * the totals plus the changes not yet folded: a few hundred rows whatever the number of tickets.
 *
 * The median wait is exact (`../wait-histogram.ts`): the histogram (by bucket of about 9%) says which bucket holds the
 * middle ticket and its rank there, and the index of waits gives that bucket's waits in order.
 * Every read runs in one repeatable-read snapshot, so the histogram and the waits agree.
 */
import type pg from 'pg';
import type { Store, TicketStatsData } from '../store.ts';
import { periodWeeks } from '../stats-weeks.ts';
import { firstWeekPart, WaitHistogram } from '../wait-histogram.ts';
import { onOneClient, type PgContext, type Row } from './connection.ts';

/** The totals folded plus the changes not yet folded, of one of the two tables. */
const totals = (table: string, keys: string) => `(SELECT ${keys}, n FROM ${table} UNION ALL SELECT ${keys}, n FROM ${table.replace(/s$/, '')}_changes)`;

/** The {@link Store} method of statistics. */
export function statisticsStore(c: PgContext): Pick<Store, 'ticketStats'> {
  return {
    ticketStats: (since: string, agency?: string): Promise<TicketStatsData> =>
      onOneClient(c, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) => read(client, since, agency)),
  };
}

async function read(client: pg.PoolClient, since: string, agency: string | undefined): Promise<TicketStatsData> {
  const rows = async (text: string, params: unknown[]) => (await client.query(text, params)).rows as Row[];
  const scope = agency ?? '';
  const { firstWeek, firstWeekStart, firstWeekEnd } = periodWeeks(since);
  const byWeek = (
    await rows(
      `SELECT to_char(week, 'YYYY-MM-DD') AS week, case_type, priority, sum(n)::bigint AS n FROM ${totals('ticket_weeks', 'agency, week, case_type, priority')} x
       WHERE agency = $1 AND week > $2::date GROUP BY week, case_type, priority HAVING sum(n) > 0 ORDER BY week, case_type, priority`,
      [scope, firstWeek],
    )
  ).map((r) => ({ week: r.week as string, caseType: r.case_type as string, priority: r.priority as string, n: r.n as number }));

  // The waits' histogram since `since`: whole weeks from the totals, and the part of the first
  // week after it or, when that is the larger part, the whole week less the part before it.
  const histogram = new WaitHistogram();
  const part = firstWeekPart(since, firstWeekStart, firstWeekEnd);
  const whole = await rows(
    `SELECT priority, bucket, sum(n)::bigint AS n FROM ${totals('ticket_wait_weeks', 'agency, week, priority, bucket')} x
     WHERE agency = $1 AND week ${part.laterHalf ? '>' : '>='} $2::date GROUP BY priority, bucket`,
    [scope, firstWeek],
  );
  for (const r of whole) histogram.add(r.priority as string, r.bucket as number, r.n as number);
  const partial = agency
    ? await rows(
        `SELECT ticket_priority AS priority, ticket_wait_bucket(ticket_created_at, ticket_first_action_at) AS bucket, count(*)::bigint AS n FROM referrals
         WHERE agency = $1 AND ticket_created_at >= $2 AND ticket_created_at < $3 AND ticket_first_action_at IS NOT NULL GROUP BY 1, 2`,
        [agency, part.from, part.to],
      )
    : await rows(
        `SELECT priority, ticket_wait_bucket(created_at, first_action_at) AS bucket, count(*)::bigint AS n FROM tickets
         WHERE created_at >= $1 AND created_at < $2 AND first_action_at IS NOT NULL GROUP BY 1, 2`,
        [part.from, part.to],
      );
  for (const r of partial) histogram.add(r.priority as string, r.bucket as number, part.sign * (r.n as number));

  // One bucket's waits since `since`, in order, through the index of waits (migration 024).
  const nth = agency
    ? `SELECT (extract(epoch FROM ticket_first_action_at - ticket_created_at) * 1000)::float8 AS ms FROM referrals
       WHERE agency = $5 AND ticket_priority = $1 AND ticket_wait_bucket(ticket_created_at, ticket_first_action_at) = $2 AND ticket_created_at >= $3
         AND ticket_first_action_at IS NOT NULL
       ORDER BY ticket_first_action_at - ticket_created_at LIMIT 1 OFFSET $4`
    : `SELECT (extract(epoch FROM first_action_at - created_at) * 1000)::float8 AS ms FROM tickets
       WHERE priority = $1 AND ticket_wait_bucket(created_at, first_action_at) = $2 AND created_at >= $3 AND first_action_at IS NOT NULL
       ORDER BY first_action_at - created_at LIMIT 1 OFFSET $4`;
  const medianFirstAction = await histogram.medians(async (priority, bucket, offset) => {
    const args = [priority, bucket, since, offset];
    const [row] = await rows(nth, agency ? [...args, agency] : args);
    if (!row) throw new Error('the index of waits disagrees with the histogram');
    return row.ms as number;
  });

  // From the queue's running totals (migration 022, decision 0033): the totals folded and the
  // changes not yet folded, instead of joining every referral to its ticket.
  const open = await rows(
    `SELECT agency, sum(n)::bigint AS n FROM (SELECT agency, ticket_status, n FROM referral_counts UNION ALL SELECT agency, ticket_status, n FROM referral_count_changes) x
     WHERE ticket_status <> 'closed' ${agency ? 'AND agency = $1' : ''} GROUP BY agency HAVING sum(n) > 0 ORDER BY agency`,
    agency ? [agency] : [],
  );
  return { byWeek, medianFirstAction, openByAgency: open.map((r) => ({ agency: r.agency as string, n: r.n as number })) };
}
