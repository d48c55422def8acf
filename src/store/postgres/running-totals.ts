/**
 * The queue's running totals on PostgreSQL (migration 022, decision 0033): the triggers append
 * +1 / -1 rows to `*_changes` tables, contention-free between instances; these fold them into the
 * totals, and compute everything again from the rows.
 */
import type pg from 'pg';
import type { PgContext } from './connection.ts';

/** How often each instance folds the changes into the totals (one instance at a time). */
const FOLD_EVERY_MS = 5000;

/**
 * Folds the changes into the totals every few seconds, until the returned function is called.
 * Counts are exact either way (they read the changes not yet folded): folding only keeps the
 * changes few, so that a count reads a few hundred rows.
 */
export function foldRunningTotals(c: PgContext, everyMs: number = FOLD_EVERY_MS): () => void {
  let folding = false;
  const fold = () => {
    if (folding) return;
    folding = true;
    c.ready
      .then(() => c.pool.query('SELECT fold_running_totals()'))
      .catch(() => undefined) // the database is away: the next round tries again
      .finally(() => {
        folding = false;
      });
  };
  const timer = setInterval(fold, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Computes the referrals' copies of their ticket's fields and every queue total again from the
 * rows, in one transaction that holds writers off meanwhile: for a bulk load that ran without the
 * triggers (the scale bench's seed), and a repair if the totals were ever changed by hand.
 */
export async function rebuildRunningTotals(on: pg.Pool | pg.Client): Promise<void> {
  await on.query('SELECT rebuild_running_totals()');
}
