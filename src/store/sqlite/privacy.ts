/**
 * The SQL of the privacy duties (issue 14): retention purges, erasure of a ticket, legal hold.
 * Functions over the open database, called inside the store's transaction.
 *
 * A conversation is keyed by its id, or, for rows from before conversations had ids, by its
 * session (`session:<id>`), as the ticket page groups them (see SqliteStore.ticketTranscript).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { PurgeResult, RetentionKind, Store, Tx } from '../store.ts';
import type { SqliteConnection } from './connection.ts';

type Db = Database.Database;

const CONVERSATION_KEY = `COALESCE(x.conversation_id, 'session:' || x.session_id)`;
/**
 * A conversation (key `k`) that became a ticket: a ticket with that conversation id, or a ticket
 * with none whose `'session:' || session_id` is the key. Two lookups (tickets_conversation,
 * tickets_session of migration 022) instead of the OR with a concatenation, which read the whole
 * tickets table once per key.
 */
const TICKETED = (k: string) =>
  `(EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = ${k}) OR (${k} LIKE 'session:%' AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id IS NULL AND t.session_id = substr(${k}, 9))))`;
/**
 * Expired unticketed conversations: ids (`c`) and, for rows without one, sessions (`s`): the rows
 * older than the cutoff (transcript_created), then per key its own index. The unary `+` keeps SQLite
 * from reading every unticketed row through transcript_ticket or transcript_conversation for an
 * `IS NULL` term, which it prefers when the database has no statistics.
 */
const EXPIRED_CONVERSATIONS = `SELECT x.conversation_id AS c FROM transcript x INDEXED BY transcript_created WHERE x.created_at < ? AND +x.ticket_ref IS NULL AND +x.conversation_id IS NOT NULL GROUP BY 1
  HAVING NOT EXISTS (SELECT 1 FROM transcript y WHERE y.conversation_id = x.conversation_id AND y.ticket_ref IS NULL AND y.created_at >= ?) AND NOT ${TICKETED('x.conversation_id')}`;
const EXPIRED_SESSIONS = `SELECT x.session_id AS s FROM transcript x INDEXED BY transcript_created WHERE x.created_at < ? AND +x.ticket_ref IS NULL AND +x.conversation_id IS NULL GROUP BY 1
  HAVING NOT EXISTS (SELECT 1 FROM transcript y WHERE y.session_id = x.session_id AND y.conversation_id IS NULL AND y.ticket_ref IS NULL AND y.created_at >= ?) AND NOT ${TICKETED("'session:' || x.session_id")}`;
/** Closed, not held, not erased, unchanged since the cutoff (`?`). */
const EXPIRED_CLOSED = `t.status = 'closed' AND t.legal_hold_at IS NULL AND t.erased_at IS NULL AND t.updated_at < ?`;
/**
 * The tickets of {@link EXPIRED_CLOSED}, read through their own index (migration 023) by age. The
 * planner, without statistics, prefers the equality on `status` and reads every closed ticket.
 */
const CLOSED_TICKETS = 'tickets t INDEXED BY tickets_closed_expiry';
/*
 * OWN_ROWS, a ticket's own transcript rows (x) as the ticket page shows them: x.ticket_ref = t.ref,
 * or x.ticket_ref IS NULL and (t has a conversation id and x has the same one, or t has none and x
 * has none and x.session_id = t.session_id). Written out per branch below, each through an index.
 */

const EMPTY: Record<RetentionKind, number> = {
  unticketed_conversations: 0,
  closed_transcripts: 0,
  outbox_content: 0,
  inbound_events: 0,
  closed_attachments: 0,
  staff_sessions: 0,
  audit: 0,
};

function paths(db: Db, sql: string, ...args: unknown[]): string[] {
  return (db.prepare(sql).all(...args) as { path: string }[]).map((r) => r.path);
}

/** One kind's deletion; returns the count and any files. */
function purgeKind(db: Db, kind: RetentionKind, cutoff: string): { count: number; files: string[] } {
  switch (kind) {
    case 'unticketed_conversations': {
      // Whole conversations whose last message is older than the cutoff, never a ticket's: the keys
      // with a row older than the cutoff (transcript_created), then per key through its own index
      // that none is newer, rather than grouping every unticketed row of the transcript.
      const conversations = (db.prepare(EXPIRED_CONVERSATIONS).all(cutoff, cutoff) as { c: string }[]).map((r) => r.c);
      const sessions = (db.prepare(EXPIRED_SESSIONS).all(cutoff, cutoff) as { s: string }[]).map((r) => r.s);
      db.prepare(
        `DELETE FROM transcript WHERE id IN (
           SELECT x.id FROM json_each(?) j JOIN transcript x ON x.conversation_id = j.value WHERE +x.ticket_ref IS NULL
           UNION ALL SELECT x.id FROM json_each(?) j JOIN transcript x ON x.session_id = j.value WHERE +x.conversation_id IS NULL AND +x.ticket_ref IS NULL)`,
      ).run(JSON.stringify(conversations), JSON.stringify(sessions));
      // Loose files of such conversations (and of none), and chats idle since the cutoff that have no ticket.
      const loose = `FROM attachments AS x WHERE x.ticket_ref IS NULL AND x.created_at < ? AND NOT ${TICKETED(CONVERSATION_KEY)}`;
      const files = paths(db, `SELECT x.path ${loose}`, cutoff);
      db.prepare(`DELETE ${loose}`).run(cutoff);
      db.prepare('DELETE FROM sessions AS s WHERE s.updated_at < ? AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.channel = s.channel AND t.user_id = s.user_id)').run(cutoff);
      return { count: conversations.length + sessions.length, files };
    }
    case 'closed_transcripts':
      // The rows of OWN_ROWS, found from the expired tickets through the transcript's indexes. As
      // one EXISTS per transcript row it read every closed ticket for each row: minutes at 1M.
      return {
        count: db
          .prepare(
            `DELETE FROM transcript WHERE id IN (
               SELECT x.id FROM ${CLOSED_TICKETS} JOIN transcript x ON x.ticket_ref = t.ref WHERE ${EXPIRED_CLOSED}
               UNION ALL SELECT x.id FROM ${CLOSED_TICKETS} JOIN transcript x ON x.conversation_id = t.conversation_id AND x.ticket_ref IS NULL
                 WHERE ${EXPIRED_CLOSED} AND t.conversation_id IS NOT NULL
               UNION ALL SELECT x.id FROM ${CLOSED_TICKETS} JOIN transcript x ON x.session_id = t.session_id AND x.conversation_id IS NULL AND x.ticket_ref IS NULL
                 WHERE ${EXPIRED_CLOSED} AND t.conversation_id IS NULL)`,
          )
          .run(cutoff, cutoff, cutoff).changes,
        files: [],
      };
    case 'closed_attachments': {
      const which = `FROM attachments WHERE ticket_ref IN (SELECT t.ref FROM ${CLOSED_TICKETS} WHERE ${EXPIRED_CLOSED})`;
      const files = paths(db, `SELECT path ${which}`, cutoff);
      return { count: db.prepare(`DELETE ${which}`).run(cutoff).changes, files };
    }
    case 'outbox_content': {
      // A chat with a ticket on hold keeps what was sent to it.
      const held = `EXISTS (SELECT 1 FROM tickets t WHERE t.channel = o.channel AND t.user_id = o.recipient AND t.legal_hold_at IS NOT NULL)`;
      const count = db.prepare(`DELETE FROM outbox AS o WHERE o.status IN ('sent', 'failed') AND COALESCE(o.sent_at, o.created_at) < ? AND NOT ${held}`).run(cutoff).changes;
      db.prepare('DELETE FROM sent_messages WHERE sent_at < ?').run(cutoff);
      return { count, files: [] };
    }
    case 'inbound_events': {
      const payloads = db.prepare('DELETE FROM inbox WHERE received_at < ?').run(cutoff).changes;
      const ids = db.prepare('DELETE FROM inbound_events WHERE received_at < ?').run(cutoff).changes;
      return { count: payloads + ids, files: [] };
    }
    case 'staff_sessions':
      return { count: db.prepare('DELETE FROM staff_sessions WHERE expires_at < ?').run(cutoff).changes, files: [] };
    case 'audit':
      return {
        count: db.prepare('DELETE FROM audit WHERE at < ? AND (ticket_ref IS NULL OR ticket_ref NOT IN (SELECT ref FROM tickets WHERE legal_hold_at IS NOT NULL))').run(cutoff).changes,
        files: [],
      };
  }
}

/**
 * Purges every kind that has a cutoff. A dry run does the same deletions inside a savepoint and
 * rolls them back: its counts are exactly what a real run would remove.
 */
export function purgeExpired(db: Db, cutoffs: Partial<Record<RetentionKind, string>>, dryRun: boolean): PurgeResult {
  const counts = { ...EMPTY };
  const files: string[] = [];
  db.exec('SAVEPOINT retention');
  try {
    for (const kind of Object.keys(EMPTY) as RetentionKind[]) {
      const cutoff = cutoffs[kind];
      if (!cutoff) continue;
      const r = purgeKind(db, kind, cutoff);
      counts[kind] = r.count;
      files.push(...r.files);
    }
  } catch (err) {
    db.exec('ROLLBACK TO retention; RELEASE retention');
    throw err;
  }
  db.exec(dryRun ? 'ROLLBACK TO retention; RELEASE retention' : 'RELEASE retention');
  return { counts, files: dryRun ? [] : files };
}

/** Sets or clears the privacy flags of a ticket. */
export function setPrivacyFlags(db: Db, ref: string, flags: { legalHold?: boolean; erasureRequested?: boolean }, now: string): void {
  if (flags.legalHold !== undefined) db.prepare('UPDATE tickets SET legal_hold_at = ? WHERE ref = ?').run(flags.legalHold ? now : null, ref);
  if (flags.erasureRequested !== undefined) db.prepare('UPDATE tickets SET erasure_requested_at = ? WHERE ref = ?').run(flags.erasureRequested ? now : null, ref);
}

/** Erases a ticket's content (see Tx.eraseTicket); returns its files' paths. */
export function eraseTicket(db: Db, ref: string, now: string): string[] {
  const t = db.prepare('SELECT ref, session_id, channel, user_id, conversation_id FROM tickets WHERE ref = ? AND erased_at IS NULL').get(ref) as
    | { ref: string; session_id: string; channel: string; user_id: string; conversation_id: string | null }
    | undefined;
  if (!t) return [];
  const files = paths(db, 'SELECT path FROM attachments WHERE ticket_ref = ? OR (ticket_ref IS NULL AND conversation_id IS NOT NULL AND conversation_id = ?)', ref, t.conversation_id);
  db.prepare('DELETE FROM attachments WHERE ticket_ref = ? OR (ticket_ref IS NULL AND conversation_id IS NOT NULL AND conversation_id = ?)').run(ref, t.conversation_id);
  // OWN_ROWS of this ticket through the transcript's indexes (one EXISTS per row read the whole transcript).
  db.prepare(
    t.conversation_id !== null
      ? 'DELETE FROM transcript WHERE id IN (SELECT id FROM transcript WHERE ticket_ref = ? UNION ALL SELECT id FROM transcript WHERE conversation_id = ? AND ticket_ref IS NULL)'
      : 'DELETE FROM transcript WHERE id IN (SELECT id FROM transcript WHERE ticket_ref = ? UNION ALL SELECT id FROM transcript WHERE session_id = ? AND conversation_id IS NULL AND ticket_ref IS NULL)',
  ).run(ref, t.conversation_id ?? t.session_id);
  db.prepare('DELETE FROM notes WHERE ticket_ref = ?').run(ref);
  // Issue 15: what staff wrote on its services and return steps, its matching keys (name and phone
  // derived), and why a match with it was rejected. The items' codes and dates stay, like the audit.
  db.prepare('UPDATE care_items SET reason = NULL, note = NULL WHERE ticket_ref = ?').run(ref);
  db.prepare('DELETE FROM match_keys WHERE ticket_ref = ?').run(ref);
  db.prepare('UPDATE ticket_matches SET reason = NULL WHERE a_ref = ? OR b_ref = ?').run(ref, ref);
  // The chat's session holds this report's answers while it is the current one, or when the chat has no other case.
  const others = db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE channel = ? AND user_id = ? AND ref <> ? AND erased_at IS NULL').get(t.channel, t.user_id, ref) as { n: number };
  db.prepare(`DELETE FROM sessions WHERE id = ? AND (? = 0 OR json_extract(state, '$.conversationId') = ? OR json_extract(state, '$.ticketRef') = ?)`).run(t.session_id, others.n, t.conversation_id, ref);
  // What was sent to the chat (replies read the answers back), and anything of it still waiting.
  db.prepare(`DELETE FROM outbox WHERE channel = ? AND recipient = ? AND kind <> 'notify'`).run(t.channel, t.user_id);
  db.prepare('DELETE FROM inbox WHERE channel = ? AND user_key = ?').run(t.channel, t.user_id);
  db.prepare('DELETE FROM sent_messages WHERE channel = ? AND recipient = ?').run(t.channel, t.user_id);
  db.prepare('DELETE FROM event_reply_tokens WHERE channel = ? AND recipient = ?').run(t.channel, t.user_id);
  db.prepare(
    `UPDATE tickets SET answers = '{}', session_id = 'erased', user_id = 'erased:' || ref, updated_by_reporter_at = NULL, reporter_left_at = NULL, erased_at = ?, updated_at = ? WHERE ref = ?`,
  ).run(now, now, ref);
  return files;
}

/** The {@link Tx} methods of the privacy duties. */
export function privacyTx(c: SqliteConnection): Pick<Tx, 'setPrivacyFlags' | 'purgeExpired' | 'eraseTicket'> {
  return {
    setPrivacyFlags: async (ref, flags) => setPrivacyFlags(c.db, ref, flags, c.now()),
    purgeExpired: async (cutoffs, opts) => purgeExpired(c.db, cutoffs, opts.dryRun),
    eraseTicket: async (ref) => eraseTicket(c.db, ref, c.now()),
  };
}

/** The {@link Store} methods of the privacy duties. */
export function privacyStore(c: SqliteConnection): Pick<Store, 'scrub'> {
  return {
    // Outside any transaction (VACUUM cannot run in one), in the queue like one.
    // No other connection's checkpoint meanwhile: SQLite refuses this one at once while one runs.
    // A refused or partial TRUNCATE leaves erased pages in the WAL: an error, never a silent pass.
    scrub: (opts = {}) =>
      c.withCheckpointsHeld(() =>
        c.exclusive(() => {
          if (opts.vacuum) c.db.exec('VACUUM');
          const [result] = c.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
          if (result && result.busy !== 0) throw new Error('the WAL could not be cleared (another connection is using the database): try again');
        }),
      ),
  };
}
