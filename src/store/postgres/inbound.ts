/**
 * Inbound events: accepted before the platform is answered, claimed with leases by the instance
 * that handles them, deleted once handled; event ids the conversation claimed; reply tokens.
 *
 * A chat belongs to the instance that leases its oldest pending event: that instance claims the
 * chat's later events too, and handles them in order. The lease is renewed while the instance
 * lives (see `leases.ts`); after it dies, the chat's events go to whichever instance claims next.
 */
import type { InboundRow, Store, Tx } from '../store.ts';
import { json, type PgContext, type Sql } from './connection.ts';
import { toInbound } from './rows.ts';

/** The {@link Tx} methods of inbound events. */
export function inboundTx(q: Sql): Pick<Tx, 'claimEvent'> {
  return {
    claimEvent: async (channel, eventId) =>
      (await q.run('INSERT INTO inbound_events (channel, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channel, eventId, q.now()])) === 1,
  };
}

/**
 * For each chat whose oldest pending event is free (not leased, lease run out, or ours), its events
 * not leased to us yet. SKIP LOCKED: of two instances claiming at once, one takes the chat.
 */
const CLAIM = `
  WITH heads AS (
    SELECT DISTINCT ON (channel, user_key) id FROM inbox ORDER BY channel, user_key, id
  ), free AS (
    SELECT i.channel, i.user_key FROM inbox i JOIN heads h ON h.id = i.id
    WHERE i.lease_until IS NULL OR i.lease_until < clock_timestamp() OR i.lease_owner = $1
    ORDER BY i.id LIMIT $2
    FOR UPDATE OF i SKIP LOCKED
  )
  UPDATE inbox r SET lease_owner = $1, lease_until = clock_timestamp() + $3 * interval '1 millisecond'
  FROM free f
  WHERE r.channel = f.channel AND r.user_key = f.user_key
    AND (r.lease_owner IS DISTINCT FROM $1 OR r.lease_until < clock_timestamp())
  RETURNING r.*`;

/** The {@link Store} methods of inbound events and reply tokens. */
export function inboundStore(c: PgContext): Pick<Store, 'addInbound' | 'pendingInbound' | 'claimInbound' | 'deleteInbound' | 'failInbound' | 'saveReplyToken' | 'takeReplyToken'> {
  const q = c.sql;
  return {
    async addInbound(events) {
      if (events.length === 0) return [];
      const now = q.now();
      // One statement for the batch, in order: events already stored or already handled are skipped.
      const rows = await q.rows(
        `INSERT INTO inbox (channel, event_id, user_key, payload, received_at)
         SELECT e.channel, e.event_id, e.user_key, e.payload::json, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(channel, event_id, user_key, payload, n)
         WHERE NOT EXISTS (SELECT 1 FROM inbound_events h WHERE h.channel = e.channel AND h.event_id = e.event_id)
         ORDER BY e.n
         ON CONFLICT (channel, event_id) DO NOTHING
         RETURNING *`,
        [events.map((e) => e.channel), events.map((e) => e.eventId), events.map((e) => e.userKey), events.map((e) => json(e.payload)), now],
      );
      return rows.map(toInbound).sort((a, b) => a.id - b.id);
    },
    async pendingInbound() {
      return (await q.rows('SELECT * FROM inbox ORDER BY id')).map(toInbound);
    },
    async claimInbound(limit) {
      const rows: InboundRow[] = (await q.rows(CLAIM, [c.instanceId, limit, c.leaseMs])).map(toInbound);
      return rows.sort((a, b) => a.id - b.id);
    },
    async deleteInbound(id) {
      await q.run('DELETE FROM inbox WHERE id = $1', [id]);
    },
    async failInbound(id, error) {
      await q.run('UPDATE inbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2', [error.slice(0, 500), id]);
    },
    async saveReplyToken(channel, recipient, eventId, token) {
      const now = c.clock();
      await q.run('INSERT INTO event_reply_tokens (channel, event_id, recipient, token, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        channel,
        eventId,
        recipient,
        token,
        now.toISOString(),
      ]);
      // Tokens live about a minute: ones never used go after ten.
      await q.run('DELETE FROM event_reply_tokens WHERE received_at < $1', [new Date(now.getTime() - 600_000).toISOString()]);
    },
    async takeReplyToken(channel, eventId, notBefore) {
      const row = await q.one('DELETE FROM event_reply_tokens WHERE channel = $1 AND event_id = $2 RETURNING token, received_at', [channel, eventId]);
      if (!row) return undefined;
      return (row.received_at as string) >= notBefore.toISOString() ? (row.token as string) : undefined;
    },
  };
}
