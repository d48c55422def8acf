/**
 * Dashboard sessions and login throttling: in the database, so any instance serves any staff member.
 */
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} methods of staff sessions and failed logins. */
export function staffSessionsStore(c: PgContext): Pick<Store, 'createStaffSession' | 'useStaffSession' | 'deleteStaffSession' | 'deleteStaffSessionsOf' | 'recordLoginFailure' | 'loginFailuresSince' | 'clearLoginFailures'> {
  return {
    async createStaffSession(s) {
      await c.sql.run('INSERT INTO staff_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)', [s.idHash, s.userId, s.csrf, c.sql.now(), s.expiresAt]);
    },
    async useStaffSession(idHash, now, touch = true) {
      const row = await c.sql.one('SELECT * FROM staff_sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
      if (!row) return undefined;
      if (touch) await c.sql.run('UPDATE staff_sessions SET last_seen_at = $1 WHERE id_hash = $2', [now, idHash]);
      return { userId: row.user_id as string, csrf: row.csrf as string, expiresAt: row.expires_at as string, lastSeenAt: row.last_seen_at as string };
    },
    async deleteStaffSession(idHash) {
      await c.sql.run('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
    },
    async deleteStaffSessionsOf(userId) {
      await c.sql.run('DELETE FROM staff_sessions WHERE user_id = $1', [userId]);
    },
    async recordLoginFailure(key) {
      const now = c.clock();
      await c.sql.run('INSERT INTO login_failures (key, at) VALUES ($1, $2)', [key, now.toISOString()]);
      // A day is well past any throttling window.
      await c.sql.run('DELETE FROM login_failures WHERE at < $1', [new Date(now.getTime() - 86_400_000).toISOString()]);
    },
    async loginFailuresSince(key, since) {
      const row = await c.sql.one('SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE key = $1 AND at >= $2', [key, since]);
      return { count: (row?.n as number) ?? 0, lastAt: (row?.last as string | null) ?? null };
    },
    async clearLoginFailures(key) {
      await c.sql.run('DELETE FROM login_failures WHERE key = $1', [key]);
    },
  };
}
