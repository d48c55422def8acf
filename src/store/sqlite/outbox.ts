/**
 * Messages waiting to be delivered, in order per chat, with retries and outages.
 */
import type { OutboxListener, OutboxMessage, Store, Tx } from '../store.ts';
import { json, limit as limitOf, type Row, type SqliteConnection } from './connection.ts';
import { toOutbox } from './rows.ts';

function markSentNow(c: SqliteConnection, id: number): void {
  c.prepare(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?`).run(c.now(), id);
}

/** Who is told of committed rows (the dispatcher), shared by the Tx and Store halves. */
export type OutboxListeners = Set<OutboxListener>;

/** The {@link Tx} methods (inside a transaction) of outbox. */
export function outboxTx(c: SqliteConnection, listeners: OutboxListeners): Pick<Tx, 'cancelPending' | 'enqueue'> {
  return {
    cancelPending: async (channel, recipient) =>
      c.prepare(`DELETE FROM outbox WHERE channel = ? AND recipient = ? AND status = 'pending'`).run(channel, recipient).changes,
    enqueue: async (m, opts) => {
      const now = c.now();
      const delivered = opts?.delivered ?? false;
      if (!delivered && listeners.size > 0) {
        const { channel, recipient } = m;
        const urgent = m.urgent ?? false;
        c.afterCommit(() => {
          for (const listener of listeners) listener(channel, recipient, urgent);
        });
      }
      return Number(
        c.prepare(
            `INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, next_attempt_at, created_at, sent_at, reply_to, urgent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(m.channel, m.recipient, m.kind, json(m.payload), delivered ? 'sent' : 'pending', delivered ? 1 : 0, now, now, delivered ? now : null, m.replyTo ?? null, m.urgent ? 1 : 0)
          .lastInsertRowid,
      );
    },
  };
}

/** The {@link Store} methods of the outbox. */
export function outboxStore(c: SqliteConnection, listeners: OutboxListeners): Pick<Store, 'onOutboxWritten' | 'dueOutbox' | 'dueRecipients' | 'dueOutboxOf' | 'releaseOutage' | 'markPartsSent' | 'setRetryKeys' | 'takeOutbox' | 'markSent' | 'markRetry' | 'markFailed'> {
  // Many chats' deliveries at once under load: their queries and marks each share one piece of work.
  const markSent = c.coalesce<number>(
    (ids) => {
      // One statement for the whole batch (the ids as a JSON array).
      c.prepare(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id IN (SELECT value FROM json_each(?))`).run(c.now(), json(ids));
      return undefined;
    },
    { first: true },
  );
  const dueOf = c.coalesce<{ channel: string; recipient: string; at: string; limit: number }, OutboxMessage[]>((asks) =>
    asks.map(({ channel, recipient, at, limit }) => {
      // The pending rows' own index: the chat's index would walk its whole history.
      const rows = c.prepare(`SELECT * FROM outbox INDEXED BY outbox_pending_chat WHERE channel = ? AND recipient = ? AND status = 'pending' ORDER BY id ${limitOf(limit)}`).all(channel, recipient) as Row[];
      const waiting = rows.findIndex((r) => (r.next_attempt_at as string) > at);
      return (waiting === -1 ? rows : rows.slice(0, waiting)).map(toOutbox);
    }),
  );
  return {
    onOutboxWritten: (listener) => void listeners.add(listener),
    async dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]> {
      // A message waits while an earlier one to the same recipient waits for its retry: a chat's
      // messages go out in order.
      return c.bookkeeping(() =>
        (
          c.prepare(
              `SELECT * FROM outbox o WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
                 AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel AND e.recipient = o.recipient
                                 AND e.status = 'pending' AND e.id < o.id AND e.next_attempt_at > ?)
               ORDER BY o.id LIMIT ?`,
            )
            .all(channel, now.toISOString(), now.toISOString(), limit) as Row[]
        ).map(toOutbox),
      );
    },
    async dueRecipients(channel: string, now: Date, limit: number, skip: string[]): Promise<string[]> {
      return c.bookkeeping(() =>
        (
          c.prepare(
              `SELECT o.recipient, MIN(o.id) AS first, MAX(o.urgent) AS urgent FROM outbox o
               WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ? AND o.recipient NOT IN (SELECT value FROM json_each(?))
               GROUP BY o.recipient
               HAVING first = (SELECT MIN(e.id) FROM outbox e WHERE e.channel = o.channel AND e.recipient = o.recipient AND e.status = 'pending')
               ORDER BY urgent DESC, first LIMIT ?`,
            )
            .all(channel, now.toISOString(), json(skip), limit) as Row[]
        ).map((r) => r.recipient as string),
      );
    },
    dueOutboxOf: (channel: string, recipient: string, now: Date, limit: number) => dueOf({ channel, recipient, at: now.toISOString(), limit }),
    async releaseOutage(channel: string, now: Date): Promise<number> {
      return c.immediate(
        () =>
          c.prepare(`UPDATE outbox SET held_by_outage = 0, next_attempt_at = MIN(next_attempt_at, ?) WHERE channel = ? AND status = 'pending' AND held_by_outage = 1`)
            .run(now.toISOString(), channel).changes,
      );
    },
    async markPartsSent(id: number, parts: number): Promise<void> {
      return c.immediate(() => {
        c.prepare('UPDATE outbox SET parts_sent = MAX(parts_sent, ?) WHERE id = ?').run(parts, id);
      });
    },
    async setRetryKeys(keys: { id: number; key: string }[]): Promise<void> {
      if (keys.length === 0) return;
      return c.immediate(() => {
        const set = c.prepare('UPDATE outbox SET retry_key = ? WHERE id = ? AND retry_key IS NULL');
        for (const k of keys) set.run(k.key, k.id);
      });
    },
    async takeOutbox(channel: string, recipient: string): Promise<OutboxMessage[]> {
      return c.queued(() => {
        const rows = (c.prepare(`SELECT * FROM outbox INDEXED BY outbox_pending_chat WHERE channel = ? AND recipient = ? AND status = 'pending' ORDER BY id`).all(channel, recipient) as Row[]).map(toOutbox);
        for (const m of rows) markSentNow(c, m.id);
        return rows;
      });
    },
    // At once (first in the next group): the platform has the message, and every moment until
    // this is on disk is a moment in which a crash would send it again.
    markSent: (id: number) => markSent(id),
    async markRetry(id: number, error: string, next: Date, opts: { outage?: boolean } = {}): Promise<void> {
      return c.bookkeeping(() => {
        c.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, held_by_outage = ? WHERE id = ?')
          .run(error.slice(0, 500), next.toISOString(), opts.outage ? 1 : 0, id);
      });
    },
    async markFailed(id: number, error: string): Promise<void> {
      return c.queued(() => {
        c.prepare(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`).run(error.slice(0, 500), id);
      });
    },
  };
}
