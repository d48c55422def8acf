/**
 * The SQL of the privacy duties (issue 14): erasure of a ticket, legal hold, and the store's side
 * of the retention purge (its SQL is in `./purge.ts`). Functions over the open database, called
 * inside the store's transaction.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Store, Tx } from '../store.ts';
import type { SqliteConnection } from './connection.ts';
import { paths, purgeExpired } from './purge.ts';

type Db = Database.Database;

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
    purgeExpired: async (cutoffs, opts) => purgeExpired(c, cutoffs, opts.dryRun, opts.slice),
    eraseTicket: async (ref) => eraseTicket(c.db, ref, c.now()),
  };
}

/** The {@link Store} methods of the privacy duties. */
export function privacyStore(c: SqliteConnection): Pick<Store, 'scrub' | 'catchUp'> {
  return {
    catchUp: () => c.catchUp(),
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
