/**
 * Request counts of rate limits, shared by every instance: one row per key and window.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} method of rate limits. */
export function rateLimitsStore(c: PgContext): Pick<Store, 'hitRateLimit'> {
  let purgedAt = 0;
  return {
    async hitRateLimit(key, windowMs, now, opts = {}) {
      const hashed = createHash('sha256').update(key).digest('base64url');
      if (opts.increment === false) {
        const row = await c.sql.one('SELECT hits, reset_at FROM rate_limits WHERE key = $1 AND reset_at > $2', [hashed, now.toISOString()]);
        return row ? { count: row.hits as number, resetAt: row.reset_at as string } : { count: 0, resetAt: now.toISOString() };
      }
      // Windows that ran out serve no purpose: cleared about once a minute per instance.
      if (now.getTime() - purgedAt > 60_000) {
        purgedAt = now.getTime();
        await c.sql.run('DELETE FROM rate_limits WHERE reset_at < $1', [now.toISOString()]);
      }
      // A window that has run out starts again at 1; otherwise the count goes up.
      const row = await c.sql.one(
        `INSERT INTO rate_limits (key, hits, reset_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.reset_at <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           reset_at = CASE WHEN rate_limits.reset_at <= $3 THEN excluded.reset_at ELSE rate_limits.reset_at END
         RETURNING hits, reset_at`,
        // The key holds the client's address: only its hash is stored.
        [hashed, new Date(now.getTime() + windowMs).toISOString(), now.toISOString()],
      );
      return { count: row?.hits as number, resetAt: row?.reset_at as string };
    },
  };
}
