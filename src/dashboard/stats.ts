/**
 * The statistics page's numbers, computed from ticket facts: tickets per week by case type and by
 * priority, median time to first action by priority, and open tickets by agency.
 */
import type { TicketFacts } from '../store/store.ts';
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

/** The Monday (Thai time) of the week an instant falls in, as YYYY-MM-DD. */
export function weekStart(instant: Date): string {
  const local = new Date(instant.toLocaleString('en-US', { timeZone: TIME_ZONE }));
  const back = (local.getDay() + 6) % 7;
  local.setDate(local.getDate() - back);
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
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

/** The median of a list, or null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
