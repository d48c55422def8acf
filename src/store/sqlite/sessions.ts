/**
 * Chat sessions (the flow state of one user on one channel).
 */
import type { Store, Tx } from '../store.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';
import { toSession } from './rows.ts';

/** The {@link Tx} methods (inside a transaction) of sessions. */
export function sessionsTx(c: SqliteConnection): Pick<Tx, 'getSession' | 'saveSession' | 'eraseSession'> {
  return {
    getSession: async (id) => {
      const row = c.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
      return row && toSession(row);
    },
    saveSession: async (s) => {
      const now = c.now();
      c.db
        .prepare(
          `INSERT INTO sessions (id, channel, user_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        )
        .run(s.id, s.channel, s.userId, json(s.state), now, now);
    },
    eraseSession: async (id, channel, userId) => {
      const files = (c.db.prepare('SELECT path FROM attachments WHERE session_id = ? AND ticket_ref IS NULL').all(id) as Row[]).map((r) => r.path as string);
      c.db.prepare('DELETE FROM attachments WHERE session_id = ? AND ticket_ref IS NULL').run(id);
      c.db.prepare('DELETE FROM transcript WHERE session_id = ?').run(id);
      c.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
      c.db.prepare(`DELETE FROM outbox WHERE channel = ? AND recipient = ? AND status = 'sent'`).run(channel, userId);
      return files;
    },
  };
}

/** The {@link Store} methods of sessions. */
export function sessionsStore(c: SqliteConnection): Pick<Store, 'setUnreachable'> {
  return {
    async setUnreachable(channel: string, userId: string, unreachable: boolean): Promise<void> {
      return c.queued(() => {
        c.db.prepare('UPDATE sessions SET unreachable = ? WHERE channel = ? AND user_id = ?').run(unreachable ? 1 : 0, channel, userId);
      });
    },
  };
}
