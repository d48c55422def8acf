/**
 * The statistics page's exact median first-action wait per priority, from a histogram of waits
 * (buckets of about 9%) and an ordered index of waits, as both stores keep them (decisions 0024
 * and 0039): the histogram says which bucket holds the middle ticket (the middle two for an even
 * count) and its rank there, and the store's index gives the wait at that rank within the bucket.
 * The period starts mid-week, so the store adds whole weeks from its totals and corrects by the
 * part of the first week inside or outside the period.
 */

/** Whole weeks from the totals, and the part of the first week: which part the store reads. */
export interface FirstWeekPart {
  /** True when the part of the first week inside the period is the larger: the week is not counted whole, and its part after `since` is added. */
  laterHalf: boolean;
  /** The tickets created in [from, to) are added with `sign` (+1, or -1 when subtracted from the whole week). */
  from: string;
  to: string;
  sign: 1 | -1;
}

/** Which part of the first week (`firstWeekStart` .. `firstWeekEnd`, holding `since`) to read: at most half a week of tickets. */
export function firstWeekPart(since: string, firstWeekStart: string, firstWeekEnd: string): FirstWeekPart {
  const laterHalf = Date.parse(since) - Date.parse(firstWeekStart) >= Date.parse(firstWeekEnd) - Date.parse(since);
  return laterHalf ? { laterHalf, from: since, to: firstWeekEnd, sign: 1 } : { laterHalf, from: firstWeekStart, to: since, sign: -1 };
}

/** The wait (ms) of the ticket at `offset` (from 0) in order of wait among one priority's tickets of one bucket since the period began. */
export type WaitAt = (priority: string, bucket: number, offset: number) => number | Promise<number>;

/** Counts of waits by priority and bucket, and the exact medians they lead to. */
export class WaitHistogram {
  private readonly counts = new Map<string, Map<number, number>>();

  /** Adds `n` (negative to subtract) to a priority's bucket. */
  add(priority: string, bucket: number, n: number): void {
    const h = this.counts.get(priority) ?? new Map<number, number>();
    h.set(bucket, (h.get(bucket) ?? 0) + n);
    this.counts.set(priority, h);
  }

  /** The median wait and the count of each priority with waits; `between` runs after each priority (to let the event loop run). */
  async medians(waitAt: WaitAt, between: () => Promise<void> = async () => undefined): Promise<Map<string, { ms: number | null; count: number }>> {
    const medians = new Map<string, { ms: number | null; count: number }>();
    for (const [priority, h] of this.counts) {
      const buckets = [...h].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
      const count = buckets.reduce((sum, [, n]) => sum + n, 0);
      if (!count) continue;
      const at = async (rank: number): Promise<number> => {
        let before = 0;
        for (const [bucket, n] of buckets) {
          if (rank < before + n) return waitAt(priority, bucket, rank - before);
          before += n;
        }
        throw new Error('rank past the histogram');
      };
      const mid = Math.floor(count / 2);
      const ms = count % 2 ? await at(mid) : ((await at(mid - 1)) + (await at(mid))) / 2;
      medians.set(priority, { ms, count });
      await between();
    }
    return medians;
  }
}
