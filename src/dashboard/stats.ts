/**
 * The statistics page's numbers, computed from ticket facts: tickets per week by case type and by
 * priority, median time to first action by priority, and open tickets by agency.
 */
import type { TicketFacts, TicketStatsData } from '../store/store.ts';
import { TIME_ZONE } from '../staff/staff-text.ts';

/** How many weeks the statistics cover. */
export const STATS_WEEKS = 8;

/** The computed statistics. */
export interface Stats {
  /** Week starts (Monday, Thai time), oldest first, as YYYY-MM-DD. */
  weeks: string[];
  byCaseType: Map<string, number[]>;
  byPriority: Map<string, number[]>;
  /** Median milliseconds to the first staff action, and how many tickets it is over. */
  medianFirstAction: Map<string, { ms: number | null; count: number }>;
  openByAgency: Map<string, number>;
}

/**
 * The calendar date in Thai time; one formatter for all calls (making one per call cost 60 µs),
 * made on first use (making it loads time-zone data: not at start-up).
 */
let localDate: Intl.DateTimeFormat | undefined;

/** The Monday (Thai time) of the week an instant falls in, as YYYY-MM-DD. */
export function weekStart(instant: Date): string {
  localDate ??= new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  const day = new Date(`${localDate.format(instant)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** The instant from which statistics count: the start of the oldest week shown, with a day to spare. */
export function statsSince(now: Date): string {
  return new Date(now.getTime() - (STATS_WEEKS * 7 + 1) * 86_400_000).toISOString();
}

/** Computes the statistics; `agencyScope` limits open-by-agency to one agency (staff bound to one). */
export function computeStats(facts: readonly TicketFacts[], now: Date, priorities: readonly string[], agencyScope?: string): Stats {
  const weeks: string[] = [];
  for (let i = STATS_WEEKS - 1; i >= 0; i--) weeks.push(weekStart(new Date(now.getTime() - i * 7 * 86_400_000)));
  const unique = [...new Set(weeks)];
  const byCaseType = new Map<string, number[]>();
  const byPriority = new Map<string, number[]>(priorities.map((p) => [p, unique.map(() => 0)]));
  const waits = new Map<string, number[]>(priorities.map((p) => [p, []]));
  const openByAgency = new Map<string, number>();

  for (const f of facts) {
    const w = unique.indexOf(weekStart(new Date(f.createdAt)));
    if (w >= 0) {
      if (!byCaseType.has(f.caseType)) byCaseType.set(f.caseType, unique.map(() => 0));
      byCaseType.get(f.caseType)![w]! += 1;
      if (!byPriority.has(f.priority)) byPriority.set(f.priority, unique.map(() => 0));
      byPriority.get(f.priority)![w]! += 1;
    }
    if (f.firstActionAt) {
      if (!waits.has(f.priority)) waits.set(f.priority, []);
      waits.get(f.priority)!.push(Date.parse(f.firstActionAt) - Date.parse(f.createdAt));
    }
    if (f.status !== 'closed') {
      for (const a of f.agencies) if (!agencyScope || a === agencyScope) openByAgency.set(a, (openByAgency.get(a) ?? 0) + 1);
    }
  }
  const medianFirstAction = new Map([...waits].map(([p, list]) => [p, { ms: median(list), count: list.length }]));
  return { weeks: unique, byCaseType, byPriority, medianFirstAction, openByAgency: new Map([...openByAgency].sort((a, b) => b[1] - a[1])) };
}

/**
 * The same statistics from numbers the store aggregated (`Store.ticketStats`): weeks of creation
 * and medians instead of tickets, so that the work does not grow with the number of tickets.
 */
export function statsFromData(data: TicketStatsData, now: Date, priorities: readonly string[]): Stats {
  const weeks: string[] = [];
  for (let i = STATS_WEEKS - 1; i >= 0; i--) weeks.push(weekStart(new Date(now.getTime() - i * 7 * 86_400_000)));
  const unique = [...new Set(weeks)];
  const byCaseType = new Map<string, number[]>();
  const byPriority = new Map<string, number[]>(priorities.map((p) => [p, unique.map(() => 0)]));
  for (const row of data.byWeek) {
    const w = unique.indexOf(row.week);
    if (w < 0) continue;
    if (!byCaseType.has(row.caseType)) byCaseType.set(row.caseType, unique.map(() => 0));
    byCaseType.get(row.caseType)![w]! += row.n;
    if (!byPriority.has(row.priority)) byPriority.set(row.priority, unique.map(() => 0));
    byPriority.get(row.priority)![w]! += row.n;
  }
  const medianFirstAction = new Map<string, { ms: number | null; count: number }>(priorities.map((p) => [p, { ms: null, count: 0 }]));
  for (const [p, m] of data.medianFirstAction) medianFirstAction.set(p, m);
  const openByAgency = new Map(data.openByAgency.filter((a) => a.n > 0).map((a) => [a.agency, a.n] as const).sort((a, b) => b[1] - a[1]));
  return { weeks: unique, byCaseType, byPriority, medianFirstAction, openByAgency };
}

/** The median of a list, or null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
