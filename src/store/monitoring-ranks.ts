/**
 * The ranks (0-based, in ascending order) that the monitoring report's order statistics read, so
 * that the ticket-by-ticket computation and the stores' aggregates pick the very same values.
 */

/** The rank of the p-th percentile of `n` values by the nearest-rank method (n > 0). */
export function nearestRank(n: number, p: number): number {
  return Math.max(0, Math.ceil((p / 100) * n) - 1);
}

/** The ranks whose mean is the median of `n` values (n > 0): the middle one twice, or the middle two. */
export function medianRanks(n: number): [number, number] {
  const mid = Math.floor(n / 2);
  return n % 2 ? [mid, mid] : [mid - 1, mid];
}

/** A measured time's bucket on a log scale, eight per doubling from a second (0: under a second, and negative times); never smaller for a longer time. */
export function timeBucket(ms: number): number {
  return ms < 1000 ? 0 : 1 + Math.floor(Math.log2(ms / 1000) * 8);
}
