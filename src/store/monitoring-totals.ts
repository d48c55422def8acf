/**
 * What both stores' monitoring totals share (decision 0028): how a page view bounds the marked
 * tickets it computes itself, and the exact median and 90th percentile of a measure from its
 * histogram of times (buckets of about 9%) and an ordered read of one bucket's times.
 */
import { medianRanks, nearestRank } from './monitoring-ranks.ts';
import type { MonitoringTotals } from './types/care.ts';

/**
 * The most marked tickets a page view computes itself before it reads the totals (only when no
 * more are marked), and the longest it spends on them: a busy day's changes are counted at once,
 * while after an upgrade (every ticket marked) or a long busy spell the page answers at once and
 * says how many tickets it has not counted yet; the background catch-up does the rest
 * (src/monitoring/monitoring-catch-up.ts, decision 0034).
 */
export const VIEW_MAX_TICKETS = 1000;
export const VIEW_MAX_MS = 250;
/**
 * The most marked tickets counted for the page: past it the page says "more than" (counting a
 * million marks took 140 ms of a page view at 1M on SQLite; a hundred thousand, 15).
 */
export const COUNT_CAP = 100_000;

/** Each measure's histogram (`[bucket, n]` in the rows' order) from rows of (measure, bucket, n). */
export function histogramsOf(rows: readonly Record<string, unknown>[]): Map<string, [number, number][]> {
  const histograms = new Map<string, [number, number][]>();
  for (const r of rows) {
    const h = histograms.get(r.measure as string) ?? [];
    h.push([r.bucket as number, r.n as number]);
    histograms.set(r.measure as string, h);
  }
  return histograms;
}

/** The totals with the marked tickets not counted yet (`pending`, at most {@link COUNT_CAP} and then `pendingMore`). */
export function withPending(totals: MonitoringTotals, pending: number): MonitoringTotals {
  if (pending > COUNT_CAP) return { ...totals, pending: COUNT_CAP, pendingMore: true };
  return pending > 0 ? { ...totals, pending } : totals;
}

/** The values of one bucket from `offset` (0-based, ascending) on, `n` at most. */
export type BucketRead = (bucket: number, n: number, offset: number) => number[] | Promise<number[]>;

/**
 * The count, median (the mean of the middle two of an even count) and 90th percentile (nearest
 * rank) of one measure, from its histogram (`[bucket, n]` in ascending order of bucket, n > 0) and
 * `read`: the histogram says which bucket holds each rank needed and the rank within it.
 */
export async function orderStatistics(measure: string, histogram: readonly (readonly [number, number])[], read: BucketRead): Promise<{ count: number; medianMs: number; p90Ms: number }> {
  const count = histogram.reduce((sum, [, n]) => sum + n, 0);
  const from = async (rank: number, n = 1): Promise<number[]> => {
    let before = 0;
    for (const [bucket, inIt] of histogram) {
      if (rank < before + inIt) return read(bucket, n, rank - before);
      before += inIt;
    }
    throw new Error(`monitoring totals: rank ${rank} of ${count} not found for ${measure}`);
  };
  // The middle two of an even count, in one read when they are in one bucket (when the first is
  // the last of its bucket, the read gives it alone and the second is read from the next).
  const [lo, hi] = medianRanks(count);
  const middle = await from(lo, hi - lo + 1);
  const medianMs = lo === hi ? middle[0]! : (middle[0]! + (middle[1] ?? (await from(hi))[0]!)) / 2;
  return { count, medianMs, p90Ms: (await from(nearestRank(count, 90)))[0]! };
}
