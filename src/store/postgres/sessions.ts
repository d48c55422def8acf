/**
 * Chat sessions (the flow state of one user on one channel).
 */
import type { Store, Tx } from '../store.ts';
import { json, type PgContext, type Sql } from './connection.ts';
import { toSession } from './rows.ts';

/** The {@link Tx} methods (inside a transaction) of sessions. */
export function sessionsTx(q: Sql): Pick<Tx, 'getSession' | 'saveSession' | 'eraseSession'> {
  return {
    getSession: async (id) => {
      const row = await q.one('SELECT * FROM sessions WHERE id = $1', [id]);
      return row && toSession(row);
    },
    saveSession: async (s) => {
      const now = q.now();
      await q.run(
        `INSERT INTO sessions (id, channel, user_id, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [s.id, s.channel, s.userId, json(s.state), now],
      );
    },
    eraseSession: async (id, channel, userId) => {
      const files = (await q.rows('DELETE FROM attachments WHERE session_id = $1 AND ticket_ref IS NULL RETURNING path', [id])).map((r) => r.path as string);
      await q.run('DELETE FROM transcript WHERE session_id = $1', [id]);
      await q.run('DELETE FROM sessions WHERE id = $1', [id]);
      await q.run(`DELETE FROM outbox WHERE channel = $1 AND recipient = $2 AND status = 'sent'`, [channel, userId]);
      return files;
    },
  };
}

/** The {@link Store} methods of sessions. */
export function sessionsStore(c: PgContext): Pick<Store, 'setUnreachable'> {
  return {
    async setUnreachable(channel, userId, unreachable) {
      await c.sql.run('UPDATE sessions SET unreachable = $1 WHERE channel = $2 AND user_id = $3', [unreachable, channel, userId]);
    },
  };
}
