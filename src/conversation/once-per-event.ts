/**
 * Work done once per inbound event: a platform that redelivers an event (LINE and Telegram do,
 * when an answer was slow or lost) must not have its voice note transcribed, or its story sent to
 * the model, a second time. The first call's promise is kept, for a short while and for a bounded
 * number of events, and a redelivery gets the same result without a second request.
 */

/** How long a result is kept for redeliveries (platforms redeliver within minutes). */
const KEEP_MS = 10 * 60_000;
/** At most this many results are kept (oldest dropped first). */
const MAX_KEPT = 256;

/** Runs work once per key; later calls with the same key share the first call's result. */
export class OncePerEvent {
  private readonly kept = new Map<string, { at: number; result: Promise<unknown> }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The result of `work` for `key`, from the first call while it is kept. A failure is not kept. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const now = this.now();
    for (const [k, v] of this.kept) {
      if (now - v.at < KEEP_MS && this.kept.size < MAX_KEPT) break;
      this.kept.delete(k);
    }
    const found = this.kept.get(key);
    if (found) return found.result as Promise<T>;
    const result = work();
    this.kept.set(key, { at: now, result });
    result.catch(() => this.kept.delete(key));
    return result;
  }
}
