/**
 * Request counts of rate limits, shared by every instance: one row per key and window.
 */
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} method of rate limits. */
export function rateLimitsStore(c: PgContext): Pick<Store, 'hitRateLimit'> {
  return {
    async hitRateLimit(key, windowMs, now) {
      // A window that has run out starts again at 1; otherwise the count goes up.
      const row = await c.sql.one(
        `INSERT INTO rate_limits (key, hits, reset_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.reset_at <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           reset_at = CASE WHEN rate_limits.reset_at <= $3 THEN excluded.reset_at ELSE rate_limits.reset_at END
         RETURNING hits, reset_at`,
        [key, new Date(now.getTime() + windowMs).toISOString(), now.toISOString()],
      );
      return { count: row?.hits as number, resetAt: row?.reset_at as string };
    },
  };
}
