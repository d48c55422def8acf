/**
 * Leases, locks and rate-limit counts on SQLite: one process uses the file, so it holds every lease
 * itself; they live in memory (see ../single-process-leases.ts) and end with the process.
 */
import { singleProcessLeases } from '../single-process-leases.ts';
import type { Store } from '../store.ts';
import { limit as limitOf, type Row, type SqliteConnection } from './connection.ts';
import { toInbound } from './rows.ts';

/** The {@link Store} methods of leases and locks. */
export function leasesStore(c: SqliteConnection, dueRecipients: Store['dueRecipients']): Pick<Store, 'claimInbound' | 'claimRecipients' | 'releaseRecipient' | 'acquireLock' | 'hitRateLimit'> {
  return singleProcessLeases({
    inboxAfter: (id, limit) => c.queued(() => (c.prepare(`SELECT * FROM inbox WHERE id > ? ORDER BY id ${limitOf(limit)}`).all(id) as Row[]).map(toInbound)),
    dueRecipients,
  });
}
