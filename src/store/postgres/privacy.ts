/**
 * The privacy duties on PostgreSQL (issue 14): the twins of `../sqlite/privacy.ts` (retention
 * purges, erasure of a ticket, legal hold). A dry run deletes inside a savepoint and rolls back,
 * so its counts are exactly what a real run removes.
 */
import type { PurgeResult, RetentionKind, Store, Tx } from '../store.ts';
import type { PgContext, Sql } from './connection.ts';

const CONVERSATION_KEY = `COALESCE(x.conversation_id, 'session:' || x.session_id)`;
/** As on SQLite: two index lookups (migration 023) instead of an OR with a concatenation. */
const TICKETED = (k: string) =>
  `(EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = ${k}) OR (${k} LIKE 'session:%' AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id IS NULL AND t.session_id = substr(${k}, 9))))`;
const EXPIRED_CONVERSATIONS = `SELECT x.conversation_id AS c FROM transcript x WHERE x.created_at < $1 AND x.ticket_ref IS NULL AND x.conversation_id IS NOT NULL GROUP BY 1
  HAVING NOT EXISTS (SELECT 1 FROM transcript y WHERE y.conversation_id = x.conversation_id AND y.ticket_ref IS NULL AND y.created_at >= $1) AND NOT ${TICKETED('x.conversation_id')}`;
const EXPIRED_SESSIONS = `SELECT x.session_id AS s FROM transcript x WHERE x.created_at < $1 AND x.ticket_ref IS NULL AND x.conversation_id IS NULL GROUP BY 1
  HAVING NOT EXISTS (SELECT 1 FROM transcript y WHERE y.session_id = x.session_id AND y.conversation_id IS NULL AND y.ticket_ref IS NULL AND y.created_at >= $1) AND NOT ${TICKETED("'session:' || x.session_id")}`;
const EXPIRED_CLOSED = `t.status = 'closed' AND t.legal_hold_at IS NULL AND t.erased_at IS NULL AND t.updated_at < $1`;

const KINDS: RetentionKind[] = ['unticketed_conversations', 'closed_transcripts', 'outbox_content', 'inbound_events', 'closed_attachments', 'staff_sessions', 'audit'];

const paths = async (q: Sql, text: string, params: unknown[]) => (await q.rows(text, params)).map((r) => r.path as string);

async function purgeKind(q: Sql, kind: RetentionKind, cutoff: string): Promise<{ count: number; files: string[] }> {
  switch (kind) {
    case 'unticketed_conversations': {
      // The keys with a row older than the cutoff, then per key that none is newer (see ../sqlite/privacy.ts).
      const conversations = (await q.rows(EXPIRED_CONVERSATIONS, [cutoff])).map((r) => r.c as string);
      const sessions = (await q.rows(EXPIRED_SESSIONS, [cutoff])).map((r) => r.s as string);
      await q.run('DELETE FROM transcript WHERE ticket_ref IS NULL AND conversation_id = ANY($1::text[])', [conversations]);
      await q.run('DELETE FROM transcript WHERE ticket_ref IS NULL AND conversation_id IS NULL AND session_id = ANY($1::text[])', [sessions]);
      const loose = `FROM attachments x WHERE x.ticket_ref IS NULL AND x.created_at < $1 AND NOT ${TICKETED(CONVERSATION_KEY)}`;
      const files = await paths(q, `SELECT x.path ${loose}`, [cutoff]);
      await q.run(`DELETE ${loose}`, [cutoff]);
      await q.run('DELETE FROM sessions s WHERE s.updated_at < $1 AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.channel = s.channel AND t.user_id = s.user_id)', [cutoff]);
      return { count: conversations.length + sessions.length, files };
    }
    case 'closed_transcripts':
      // The rows of OWN_ROWS, found from the expired tickets through the transcript's indexes (as
      // on SQLite, where one EXISTS per transcript row read every closed ticket for each row).
      return {
        count: await q.run(
          `DELETE FROM transcript WHERE id IN (
             SELECT x.id FROM tickets t JOIN transcript x ON x.ticket_ref = t.ref WHERE ${EXPIRED_CLOSED}
             UNION ALL SELECT x.id FROM tickets t JOIN transcript x ON x.conversation_id = t.conversation_id AND x.ticket_ref IS NULL
               WHERE ${EXPIRED_CLOSED} AND t.conversation_id IS NOT NULL
             UNION ALL SELECT x.id FROM tickets t JOIN transcript x ON x.session_id = t.session_id AND x.conversation_id IS NULL AND x.ticket_ref IS NULL
               WHERE ${EXPIRED_CLOSED} AND t.conversation_id IS NULL)`,
          [cutoff],
        ),
        files: [],
      };
    case 'closed_attachments': {
      const which = `FROM attachments WHERE ticket_ref IN (SELECT t.ref FROM tickets t WHERE ${EXPIRED_CLOSED})`;
      const files = await paths(q, `SELECT path ${which}`, [cutoff]);
      return { count: await q.run(`DELETE ${which}`, [cutoff]), files };
    }
    case 'outbox_content': {
      const held = `EXISTS (SELECT 1 FROM tickets t WHERE t.channel = o.channel AND t.user_id = o.recipient AND t.legal_hold_at IS NOT NULL)`;
      const count = await q.run(`DELETE FROM outbox o WHERE o.status IN ('sent', 'failed') AND COALESCE(o.sent_at, o.created_at) < $1 AND NOT ${held}`, [cutoff]);
      await q.run('DELETE FROM sent_messages WHERE sent_at < $1', [cutoff]);
      return { count, files: [] };
    }
    case 'inbound_events':
      return { count: (await q.run('DELETE FROM inbox WHERE received_at < $1', [cutoff])) + (await q.run('DELETE FROM inbound_events WHERE received_at < $1', [cutoff])), files: [] };
    case 'staff_sessions':
      return { count: await q.run('DELETE FROM staff_sessions WHERE expires_at < $1', [cutoff]), files: [] };
    case 'audit':
      return { count: await q.run('DELETE FROM audit WHERE at < $1 AND (ticket_ref IS NULL OR ticket_ref NOT IN (SELECT ref FROM tickets WHERE legal_hold_at IS NOT NULL))', [cutoff]), files: [] };
  }
}

/** The {@link Tx} methods of the privacy duties. */
export function privacyTx(q: Sql): Pick<Tx, 'setPrivacyFlags' | 'purgeExpired' | 'eraseTicket'> {
  return {
    setPrivacyFlags: async (ref, flags) => {
      if (flags.legalHold !== undefined) await q.run('UPDATE tickets SET legal_hold_at = $1 WHERE ref = $2', [flags.legalHold ? q.now() : null, ref]);
      if (flags.erasureRequested !== undefined) await q.run('UPDATE tickets SET erasure_requested_at = $1 WHERE ref = $2', [flags.erasureRequested ? q.now() : null, ref]);
    },
    purgeExpired: async (cutoffs, opts): Promise<PurgeResult> => {
      const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RetentionKind, number>;
      const files: string[] = [];
      await q.run('SAVEPOINT retention');
      try {
        for (const kind of KINDS) {
          const cutoff = cutoffs[kind];
          if (!cutoff) continue;
          const r = await purgeKind(q, kind, cutoff);
          counts[kind] = r.count;
          files.push(...r.files);
        }
      } catch (err) {
        await q.run('ROLLBACK TO SAVEPOINT retention');
        throw err;
      }
      await q.run(opts.dryRun ? 'ROLLBACK TO SAVEPOINT retention' : 'RELEASE SAVEPOINT retention');
      return { counts, files: opts.dryRun ? [] : files };
    },
    eraseTicket: async (ref) => {
      const t = await q.one('SELECT ref, session_id, channel, user_id, conversation_id FROM tickets WHERE ref = $1 AND erased_at IS NULL', [ref]);
      if (!t) return [];
      const own = 'ticket_ref = $1 OR (ticket_ref IS NULL AND conversation_id IS NOT NULL AND conversation_id = $2)';
      const files = await paths(q, `SELECT path FROM attachments WHERE ${own}`, [ref, t.conversation_id]);
      await q.run(`DELETE FROM attachments WHERE ${own}`, [ref, t.conversation_id]);
      // Its own rows (OWN_ROWS of ../sqlite/privacy.ts) through the transcript's indexes.
      await q.run('DELETE FROM transcript WHERE ticket_ref = $1', [ref]);
      if (t.conversation_id !== null) await q.run('DELETE FROM transcript WHERE conversation_id = $1 AND ticket_ref IS NULL', [t.conversation_id]);
      else await q.run('DELETE FROM transcript WHERE session_id = $1 AND conversation_id IS NULL AND ticket_ref IS NULL', [t.session_id]);
      await q.run('DELETE FROM notes WHERE ticket_ref = $1', [ref]);
      // Issue 15: staff's words on its services and steps, its matching keys, a rejected match's reason.
      await q.run('UPDATE care_items SET reason = NULL, note = NULL WHERE ticket_ref = $1', [ref]);
      await q.run('DELETE FROM match_keys WHERE ticket_ref = $1', [ref]);
      await q.run('UPDATE ticket_matches SET reason = NULL WHERE a_ref = $1 OR b_ref = $1', [ref]);
      const others = Number((await q.one('SELECT COUNT(*) AS n FROM tickets WHERE channel = $1 AND user_id = $2 AND ref <> $3 AND erased_at IS NULL', [t.channel, t.user_id, ref]))?.n ?? 0);
      await q.run(`DELETE FROM sessions WHERE id = $1 AND ($2::int = 0 OR state->>'conversationId' = $3 OR state->>'ticketRef' = $4)`, [t.session_id, others, t.conversation_id, ref]);
      await q.run(`DELETE FROM outbox WHERE channel = $1 AND recipient = $2 AND kind <> 'notify'`, [t.channel, t.user_id]);
      await q.run('DELETE FROM inbox WHERE channel = $1 AND user_key = $2', [t.channel, t.user_id]);
      await q.run('DELETE FROM sent_messages WHERE channel = $1 AND recipient = $2', [t.channel, t.user_id]);
      await q.run('DELETE FROM event_reply_tokens WHERE channel = $1 AND recipient = $2', [t.channel, t.user_id]);
      const now = q.now();
      await q.run(`UPDATE tickets SET answers = '{}', session_id = 'erased', user_id = 'erased:' || ref, updated_by_reporter_at = NULL, reporter_left_at = NULL, erased_at = $1, updated_at = $1 WHERE ref = $2`, [now, ref]);
      return files;
    },
  };
}

/** The {@link Store} methods of the privacy duties: PostgreSQL reclaims deleted rows itself (autovacuum). */
export function privacyStore(c: PgContext): Pick<Store, 'scrub' | 'catchUp'> {
  return {
    // The server's own work (WAL, autovacuum) never holds this process up.
    catchUp: async () => undefined,
    scrub: async (opts = {}) => {
      if (opts.vacuum) await c.sql.run('VACUUM');
    },
  };
}
