/**
 * Dashboard log-in sessions and failed log-ins (for throttling).
 */
import type { StaffSession, Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Store} methods of staff sessions and failed log-ins. */
export function staffSessionsStore(c: SqliteConnection): Pick<Store, 'createStaffSession' | 'useStaffSession' | 'deleteStaffSession' | 'deleteStaffSessionsOf' | 'recordLoginFailure' | 'loginFailuresSince' | 'clearLoginFailures'> {
  return {
    async createStaffSession(s: { idHash: string; userId: string; csrf: string; expiresAt: string }): Promise<void> {
      const now = c.now();
      c.db.prepare('INSERT INTO staff_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(s.idHash, s.userId, s.csrf, now, now, s.expiresAt);
    },
    async useStaffSession(idHash: string, now: string, touch = true): Promise<StaffSession | undefined> {
      const row = c.db.prepare('SELECT * FROM staff_sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now) as Row | undefined;
      if (!row) return undefined;
      if (touch) c.db.prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
      return { userId: row.user_id as string, csrf: row.csrf as string, expiresAt: row.expires_at as string, lastSeenAt: row.last_seen_at as string };
    },
    async deleteStaffSession(idHash: string): Promise<void> {
      c.db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?').run(idHash);
    },
    async deleteStaffSessionsOf(userId: string): Promise<void> {
      c.db.prepare('DELETE FROM staff_sessions WHERE user_id = ?').run(userId);
    },
    async recordLoginFailure(key: string): Promise<void> {
      const now = c.date();
      c.db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)').run(key, now.toISOString());
      // Old rows serve no purpose; a day is well past any throttling window.
      c.db.prepare('DELETE FROM login_failures WHERE at < ?').run(new Date(now.getTime() - 86_400_000).toISOString());
    },
    async loginFailuresSince(key: string, since: string): Promise<{ count: number; lastAt: string | null }> {
      const row = c.db.prepare('SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE key = ? AND at >= ?').get(key, since) as Row;
      return { count: row.n as number, lastAt: (row.last as string | null) ?? null };
    },
    async clearLoginFailures(key: string): Promise<void> {
      c.db.prepare('DELETE FROM login_failures WHERE key = ?').run(key);
    },
  };
}
