/**
 * The lease and lock calls of the {@link Store} for a store only one process uses (SQLite): that
 * process holds every lease, so they live in memory and end with it, as a PostgreSQL instance's
 * leases end with that instance.
 */
import type { InboundRow, Store } from './store.ts';

/** What the in-memory leases need from the store underneath. */
export interface LeaseSource {
  /** Inbound rows with an id above `id`, oldest first. */
  inboxAfter(id: number, limit: number): Promise<InboundRow[]>;
  dueRecipients: Store['dueRecipients'];
}

/** The lease, lock and rate-limit calls, in memory. */
export function singleProcessLeases(source: LeaseSource): Pick<Store, 'claimInbound' | 'claimRecipients' | 'releaseRecipient' | 'acquireLock' | 'hitRateLimit'> {
  // Rows are only ever added by this process, with growing ids: those above the last claimed are new.
  let claimedUpTo = 0;
  const locks = new Set<string>();
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async claimInbound(limit) {
      const rows = await source.inboxAfter(claimedUpTo, limit);
      for (const r of rows) claimedUpTo = Math.max(claimedUpTo, r.id);
      return rows;
    },
    // The lanes leave out chats in flight already, which in one process is every lease.
    claimRecipients: (channel, now, limit, skip) => source.dueRecipients(channel, now, limit, skip),
    async releaseRecipient() {},
    async acquireLock(name) {
      if (locks.has(name)) return undefined;
      locks.add(name);
      return { release: async () => void locks.delete(name) };
    },
    async hitRateLimit(key, windowMs, now, opts = {}) {
      const t = now.getTime();
      let w = windows.get(key);
      if (opts.increment === false) return w && w.resetAt > t ? { count: w.count, resetAt: new Date(w.resetAt).toISOString() } : { count: 0, resetAt: now.toISOString() };
      if (!w || w.resetAt <= t) {
        // Forget run-out windows now and then, so the map stays small.
        if (windows.size > 10_000) for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return { count: w.count, resetAt: new Date(w.resetAt).toISOString() };
    },
  };
}
