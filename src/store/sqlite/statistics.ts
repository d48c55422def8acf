/**
 * The statistics page's numbers, aggregated in SQL a day (or a status) at a time, yielding to the
 * event loop between steps: at a million tickets no single step holds the one Node thread for
 * long, so webhooks are acknowledged while the page is computed.
 */
import type { Store, TicketStatsData } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

const DAY_MS = 86_400_000;
const OPEN_STATUSES = ['new', 'triaged', 'in_progress', 'referred'];

/** Lets timers and I/O run before the next step. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The {@link Store} method of statistics. */
export function statisticsStore(c: SqliteConnection): Pick<Store, 'ticketStats'> {
  return {
    async ticketStats(since: string, agency?: string): Promise<TicketStatsData> {
      const scope = agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)' : '';
      const counts = c.prepare(
        `SELECT substr(t.created_at, 1, 13) AS hour, t.case_type, t.priority, COUNT(*) AS n FROM tickets t
         WHERE t.created_at >= ? AND t.created_at < ? ${scope} GROUP BY hour, t.case_type, t.priority ORDER BY hour`,
      );
      const waits = c.prepare(
        `SELECT t.priority, CAST(ROUND((julianday(t.first_action_at) - julianday(t.created_at)) * 86400000) AS INTEGER) AS ms FROM tickets t
         WHERE t.created_at >= ? AND t.created_at < ? AND t.first_action_at IS NOT NULL ${scope}`,
      );
      const byHour: TicketStatsData['byHour'] = [];
      const firstActionMs = new Map<string, number[]>();
      // Up to now and a day past it, for clocks a little ahead.
      const end = Math.max(Date.now(), c.date().getTime()) + DAY_MS;
      for (let from = Date.parse(since); from < end; from += DAY_MS) {
        const args = [new Date(from).toISOString(), new Date(from + DAY_MS).toISOString(), ...(agency ? [agency] : [])];
        for (const r of counts.all(...args) as Row[]) byHour.push({ hour: r.hour as string, caseType: r.case_type as string, priority: r.priority as string, n: r.n as number });
        for (const r of waits.all(...args) as Row[]) {
          const list = firstActionMs.get(r.priority as string) ?? [];
          list.push(r.ms as number);
          firstActionMs.set(r.priority as string, list);
        }
        await yieldToLoop();
      }
      const open = new Map<string, number>();
      const perStatus = agency
        ? c.prepare('SELECT agency, COUNT(*) AS n FROM referrals WHERE ticket_status = ? AND agency = ? GROUP BY agency')
        : c.prepare('SELECT agency, COUNT(*) AS n FROM referrals WHERE ticket_status = ? GROUP BY agency');
      for (const status of OPEN_STATUSES) {
        for (const r of perStatus.all(...(agency ? [status, agency] : [status])) as Row[]) open.set(r.agency as string, (open.get(r.agency as string) ?? 0) + (r.n as number));
        await yieldToLoop();
      }
      return { byHour, firstActionMs, openByAgency: [...open].map(([a, n]) => ({ agency: a, n })) };
    },
  };
}
