/**
 * The weeks the statistics count in: Monday to Sunday in Thai time, which is UTC+7 all year (no
 * daylight saving since 1920), so a fixed offset rather than a time-zone database. SQLite's
 * migration 018 and PostgreSQL's statistics compute the same weeks in SQL.
 */

/** Thai time's offset from UTC. */
export const THAI_OFFSET_MS = 7 * 3_600_000;
/** The same zone for PostgreSQL's `AT TIME ZONE`. */
export const THAI_TIME_ZONE = 'Asia/Bangkok';
const DAY_MS = 86_400_000;

/** The Monday (Thai time) of the week an instant falls in, as YYYY-MM-DD. */
export function thaiWeek(instantMs: number): string {
  const localDay = Math.floor((instantMs + THAI_OFFSET_MS) / DAY_MS);
  // Day 0 of the epoch (1970-01-01) was a Thursday: days since the last Monday are (day + 3) % 7.
  return new Date((localDay - (((localDay + 3) % 7) + 7) % 7) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The week `since` falls in, and the instants (ISO) that week starts and ends: weeks after it are
 * counted whole from running totals, the part of it after `since` from the tickets created in it.
 */
export function periodWeeks(since: string): { firstWeek: string; firstWeekStart: string; firstWeekEnd: string } {
  const firstWeek = thaiWeek(Date.parse(since));
  const start = Date.parse(`${firstWeek}T00:00:00Z`) - THAI_OFFSET_MS;
  return { firstWeek, firstWeekStart: new Date(start).toISOString(), firstWeekEnd: new Date(start + 7 * DAY_MS).toISOString() };
}
