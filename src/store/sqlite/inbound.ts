/**
 * Platform events: accepted before the platform is answered, claimed once handled; and LINE reply tokens.
 */
import type { InboundRow, Store, Tx } from '../store.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';
import { toInbound } from './rows.ts';

/** The {@link Tx} methods (inside a transaction) of inbound events and reply tokens. */
export function inboundTx(c: SqliteConnection): Pick<Tx, 'claimEvent'> {
  return {
    claimEvent: async (channel, eventId) =>
      c.db.prepare('INSERT OR IGNORE INTO inbound_events (channel, event_id, received_at) VALUES (?, ?, ?)').run(channel, eventId, c.now()).changes === 1,
  };
}

/** The {@link Store} methods of inbound events and reply tokens. */
export function inboundStore(c: SqliteConnection): Pick<Store, 'addInbound' | 'pendingInbound' | 'deleteInbound' | 'failInbound' | 'saveReplyToken' | 'takeReplyToken'> {
  return {
    async addInbound(events: { channel: string; eventId: string; userKey: string; payload: unknown }[]): Promise<InboundRow[]> {
      return c.queued(() => {
        const now = c.now();
        const insert = c.db.prepare(
          `INSERT OR IGNORE INTO inbox (channel, event_id, user_key, payload, received_at)
           SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM inbound_events WHERE channel = ? AND event_id = ?)`,
        );
        const added: InboundRow[] = [];
        for (const e of events) {
          const r = insert.run(e.channel, e.eventId, e.userKey, json(e.payload), now, e.channel, e.eventId);
          if (r.changes === 1) added.push({ id: Number(r.lastInsertRowid), channel: e.channel, eventId: e.eventId, userKey: e.userKey, payload: e.payload, attempts: 0, receivedAt: now });
        }
        return added;
      });
    },
    async pendingInbound(): Promise<InboundRow[]> {
      return c.queued(() => (c.db.prepare('SELECT * FROM inbox ORDER BY id').all() as Row[]).map(toInbound));
    },
    async deleteInbound(id: number): Promise<void> {
      return c.bookkeeping(() => {
        c.db.prepare('DELETE FROM inbox WHERE id = ?').run(id);
      });
    },
    async failInbound(id: number, error: string): Promise<void> {
      return c.bookkeeping(() => {
        c.db.prepare('UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(error.slice(0, 500), id);
      });
    },
    async saveReplyToken(channel: string, recipient: string, eventId: string, token: string): Promise<void> {
      return c.bookkeeping(() => {
        const now = c.date();
        c.db
          .prepare('INSERT OR IGNORE INTO event_reply_tokens (channel, event_id, recipient, token, received_at) VALUES (?, ?, ?, ?, ?)')
          .run(channel, eventId, recipient, token, now.toISOString());
        // Tokens live about a minute: ones never used (an event answered by nothing) go after ten.
        c.db.prepare('DELETE FROM event_reply_tokens WHERE received_at < ?').run(new Date(now.getTime() - 600_000).toISOString());
      });
    },
    async takeReplyToken(channel: string, eventId: string, notBefore: Date): Promise<string | undefined> {
      return c.bookkeeping(() => {
        const row = c.db.prepare('SELECT token, received_at FROM event_reply_tokens WHERE channel = ? AND event_id = ?').get(channel, eventId) as Row | undefined;
        if (!row) return undefined;
        c.db.prepare('DELETE FROM event_reply_tokens WHERE channel = ? AND event_id = ?').run(channel, eventId);
        return (row.received_at as string) >= notBefore.toISOString() ? (row.token as string) : undefined;
      });
    },
  };
}
