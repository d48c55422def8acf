/**
 * Platform events: accepted before the platform is answered, claimed once handled; and LINE reply tokens.
 */
import type { InboundRow, NewInboundEvent, Store, Tx } from '../store.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';
import { toInbound } from './rows.ts';

/** The {@link Tx} methods (inside a transaction) of inbound events and reply tokens. */
export function inboundTx(c: SqliteConnection): Pick<Tx, 'claimEvent'> {
  return {
    claimEvent: async (channel, eventId) =>
      c.prepare('INSERT OR IGNORE INTO inbound_events (channel, event_id, received_at) VALUES (?, ?, ?)').run(channel, eventId, c.now()).changes === 1,
  };
}

/** The {@link Store} methods of inbound events and reply tokens. */
export function inboundStore(c: SqliteConnection): Pick<Store, 'addInbound' | 'pendingInbound' | 'deleteInbound' | 'failInbound' | 'saveReplyToken' | 'takeReplyToken'> {
  // Under load many webhooks, deletions and token takes wait at once: each kind shares one piece of work.
  const add = c.coalesce<NewInboundEvent[], InboundRow[]>((batches) => {
    const now = c.now();
    const insert = c.prepare(
      `INSERT OR IGNORE INTO inbox (channel, event_id, user_key, payload, received_at)
       SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM inbound_events WHERE channel = ? AND event_id = ?)`,
    );
    const token = c.prepare('INSERT OR IGNORE INTO event_reply_tokens (channel, event_id, recipient, token, received_at) VALUES (?, ?, ?, ?, ?)');
    const added = batches.map((events) => {
      const rows: InboundRow[] = [];
      for (const e of events) {
        const r = insert.run(e.channel, e.eventId, e.userKey, json(e.payload), now, e.channel, e.eventId);
        if (r.changes === 1 && e.replyToken) token.run(e.channel, e.eventId, e.userKey, e.replyToken, now);
        if (r.changes === 1) rows.push({ id: Number(r.lastInsertRowid), channel: e.channel, eventId: e.eventId, userKey: e.userKey, payload: e.payload, attempts: 0, receivedAt: now });
      }
      return rows;
    });
    // Tokens live about a minute: ones never used (an event answered by nothing) go after ten.
    if (batches.some((events) => events.some((e) => e.replyToken))) c.prepare('DELETE FROM event_reply_tokens WHERE received_at < ?').run(new Date(c.date().getTime() - 600_000).toISOString());
    return added;
    // First in the next group: the platform waits for this answer, and must get it within seconds
    // however much other work is queued.
  }, { first: true });
  const remove = c.coalesce<number>((ids) => {
    const del = c.prepare('DELETE FROM inbox WHERE id = ?');
    for (const id of ids) del.run(id);
    return undefined;
  });
  const takeToken = c.coalesce<{ channel: string; eventId: string; notBefore: string }, string | undefined>((asks) =>
    asks.map(({ channel, eventId, notBefore }) => {
      const row = c.prepare('SELECT token, received_at FROM event_reply_tokens WHERE channel = ? AND event_id = ?').get(channel, eventId) as Row | undefined;
      if (!row) return undefined;
      c.prepare('DELETE FROM event_reply_tokens WHERE channel = ? AND event_id = ?').run(channel, eventId);
      return (row.received_at as string) >= notBefore ? (row.token as string) : undefined;
    }),
  );
  return {
    addInbound: (events: NewInboundEvent[]) => add(events),
    async pendingInbound(): Promise<InboundRow[]> {
      return c.queued(() => (c.prepare('SELECT * FROM inbox ORDER BY id').all() as Row[]).map(toInbound));
    },
    deleteInbound: (id: number) => remove(id),
    async failInbound(id: number, error: string): Promise<void> {
      return c.bookkeeping(() => {
        c.prepare('UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(error.slice(0, 500), id);
      });
    },
    async saveReplyToken(channel: string, recipient: string, eventId: string, token: string): Promise<void> {
      return c.bookkeeping(() => {
        const now = c.date();
        c.prepare('INSERT OR IGNORE INTO event_reply_tokens (channel, event_id, recipient, token, received_at) VALUES (?, ?, ?, ?, ?)')
          .run(channel, eventId, recipient, token, now.toISOString());
        // Tokens live about a minute: ones never used (an event answered by nothing) go after ten.
        c.prepare('DELETE FROM event_reply_tokens WHERE received_at < ?').run(new Date(now.getTime() - 600_000).toISOString());
      });
    },
    takeReplyToken: (channel: string, eventId: string, notBefore: Date) => takeToken({ channel, eventId, notBefore: notBefore.toISOString() }),
  };
}
