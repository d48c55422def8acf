/**
 * The outbox: messages to send, sent in order per chat, with retries and outage holds. Several
 * instances deliver side by side: a chat is delivered by the instance holding its lease
 * (`delivery_leases`), so its messages go out one at a time, in order.
 */
import type { Store, Tx } from '../store.ts';
import { json, type PgContext, type Sql } from './connection.ts';
import { toOutbox } from './rows.ts';

/** The {@link Tx} methods of the outbox. */
export function outboxTx(q: Sql): Pick<Tx, 'cancelPending' | 'enqueue'> {
  return {
    cancelPending: async (channel, recipient) => q.run(`DELETE FROM outbox WHERE channel = $1 AND recipient = $2 AND status = 'pending'`, [channel, recipient]),
    enqueue: async (m, opts) => {
      const now = q.now();
      const delivered = opts?.delivered ?? false;
      const row = await q.one(
        `INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, next_attempt_at, created_at, sent_at, reply_to, urgent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id`,
        [m.channel, m.recipient, m.kind, json(m.payload), delivered ? 'sent' : 'pending', delivered ? 1 : 0, now, delivered ? now : null, m.replyTo ?? null, m.urgent ?? false],
      );
      return row?.id as number;
    },
  };
}

/** Chats whose oldest pending message is due, leaving out `skip`; ordered by {@link DUE_ORDER}. */
const DUE_RECIPIENTS = `
  SELECT o.recipient, MIN(o.id) AS first, bool_or(o.urgent) AS urgent FROM outbox o
  WHERE o.channel = $1 AND o.status = 'pending' AND o.next_attempt_at <= $2 AND o.recipient <> ALL($3::text[])
  GROUP BY o.recipient
  HAVING MIN(o.id) = (SELECT MIN(e.id) FROM outbox e WHERE e.channel = $1 AND e.recipient = o.recipient AND e.status = 'pending')`;
/** Chats with a danger-path reply first, then the oldest. */
const DUE_ORDER = 'ORDER BY urgent DESC, first';

/** The {@link Store} methods of the outbox. */
export function outboxStore(c: PgContext): Pick<
  Store,
  'dueOutbox' | 'dueRecipients' | 'claimRecipients' | 'releaseRecipient' | 'dueOutboxOf' | 'releaseOutage' | 'markPartsSent' | 'setRetryKeys' | 'takeOutbox' | 'markSent' | 'markRetry' | 'markFailed'
> {
  const q = c.sql;
  return {
    async dueOutbox(channel, now, limit) {
      // A message waits while an earlier one to the same recipient waits for its retry.
      const at = now.toISOString();
      return (
        await q.rows(
          `SELECT * FROM outbox o WHERE o.channel = $1 AND o.status = 'pending' AND o.next_attempt_at <= $2
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel AND e.recipient = o.recipient
                             AND e.status = 'pending' AND e.id < o.id AND e.next_attempt_at > $2)
           ORDER BY o.id LIMIT $3`,
          [channel, at, limit],
        )
      ).map(toOutbox);
    },
    async dueRecipients(channel, now, limit, skip) {
      return (await q.rows(`${DUE_RECIPIENTS} ${DUE_ORDER} LIMIT $4`, [channel, now.toISOString(), skip, limit])).map((r) => r.recipient as string);
    },
    async claimRecipients(channel, now, limit, skip) {
      // Due chats no other instance holds; then the lease, taken only if still free (or ours).
      const due = await q.rows(
        `${DUE_RECIPIENTS}
           AND NOT EXISTS (SELECT 1 FROM delivery_leases l WHERE l.channel = $1 AND l.recipient = o.recipient AND l.owner <> $5 AND l.lease_until > clock_timestamp())
         ${DUE_ORDER} LIMIT $4`,
        [channel, now.toISOString(), skip, limit, c.instanceId],
      );
      if (due.length === 0) return [];
      const taken = await q.rows(
        `INSERT INTO delivery_leases (channel, recipient, owner, lease_until)
         SELECT $1, r, $2, clock_timestamp() + $3 * interval '1 millisecond' FROM unnest($4::text[]) AS r
         ON CONFLICT (channel, recipient) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
           WHERE delivery_leases.owner = excluded.owner OR delivery_leases.lease_until <= clock_timestamp()
         RETURNING recipient`,
        [channel, c.instanceId, c.leaseMs, due.map((r) => r.recipient as string)],
      );
      const ours = new Set(taken.map((r) => r.recipient as string));
      return due.map((r) => r.recipient as string).filter((r) => ours.has(r));
    },
    async releaseRecipient(channel, recipient) {
      await q.run('DELETE FROM delivery_leases WHERE channel = $1 AND recipient = $2 AND owner = $3', [channel, recipient, c.instanceId]);
    },
    async dueOutboxOf(channel, recipient, now, limit) {
      const rows = await q.rows(`SELECT * FROM outbox WHERE channel = $1 AND recipient = $2 AND status = 'pending' ORDER BY id LIMIT $3`, [channel, recipient, limit]);
      const at = now.toISOString();
      const waiting = rows.findIndex((r) => (r.next_attempt_at as string) > at);
      return (waiting === -1 ? rows : rows.slice(0, waiting)).map(toOutbox);
    },
    async releaseOutage(channel, now) {
      return q.run(`UPDATE outbox SET held_by_outage = false, next_attempt_at = LEAST(next_attempt_at, $1) WHERE channel = $2 AND status = 'pending' AND held_by_outage`, [now.toISOString(), channel]);
    },
    async markPartsSent(id, parts) {
      await q.run('UPDATE outbox SET parts_sent = GREATEST(parts_sent, $1) WHERE id = $2', [parts, id]);
    },
    async setRetryKeys(keys) {
      if (keys.length === 0) return;
      await q.run('UPDATE outbox o SET retry_key = k.key FROM unnest($1::bigint[], $2::text[]) AS k(id, key) WHERE o.id = k.id AND o.retry_key IS NULL', [keys.map((k) => k.id), keys.map((k) => k.key)]);
    },
    async takeOutbox(channel, recipient) {
      const rows = await q.rows(
        `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $3 WHERE id IN (
           SELECT id FROM outbox WHERE channel = $1 AND recipient = $2 AND status = 'pending' FOR UPDATE SKIP LOCKED
         ) RETURNING *`,
        [channel, recipient, q.now()],
      );
      // As they were before being marked.
      return rows
        .sort((a, b) => (a.id as number) - (b.id as number))
        .map((r) => ({ ...toOutbox(r), attempts: (r.attempts as number) - 1 }));
    },
    async markSent(id) {
      await q.run(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $1 WHERE id = $2`, [q.now(), id]);
    },
    async markRetry(id, error, next, opts = {}) {
      await q.run('UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, held_by_outage = $3 WHERE id = $4', [error.slice(0, 500), next.toISOString(), opts.outage ?? false, id]);
    },
    async markFailed(id, error) {
      await q.run(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2`, [error.slice(0, 500), id]);
    },
  };
}
