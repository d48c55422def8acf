/**
 * The retention purge on SQLite (issue 14), in slices (decision 0044). A transaction here runs on
 * the bot's thread, so the purge is a list of steps, each reading its rows in the order of an index
 * from where the last slice stopped, and a slice stops after about its budget of rows. A day on
 * which 100,000 people wrote had held every webhook for seconds when its rows came due; and every
 * day the purge read every ticket's conversation to find the few that never became one.
 *
 * A conversation is keyed by its id, or, for rows from before conversations had ids, by its
 * session (`session:<id>`), as the ticket page groups them (see SqliteStore.ticketTranscript).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { PurgeResult, PurgeSlice, RetentionKind } from '../store.ts';

/**
 * Where statements come from: the connection's cache, so that each is compiled once for the
 * thousands of slices of a purge (compiling, and finalizing the statements at each collection of
 * garbage, had cost 30-70 ms every second or so).
 */
type Db = { prepare(sql: string): Database.Statement };

/** Where a step stopped: the last row read, by its index's value `t` and its rowid `r`. */
interface Position {
  t: string;
  r: number;
}

interface StepResult {
  /** What the kind counts (conversations for unticketed ones, rows for the rest). */
  count: number;
  files: string[];
  /** Rows read or removed: what the slice's budget is spent on. */
  spent: number;
  /** Set when the step stopped at its limit: it goes on from here. */
  next?: Position;
}

/** A step reads at most `limit` rows (-1: no limit) after `from`. */
interface Step {
  kind: RetentionKind;
  run(db: Db, cutoff: string, from: Position | undefined, limit: number): StepResult;
}

/**
 * Rows of an index from a position on, in its order (the index holds the rowid last, so `t, r`
 * is its order): `t` from `from` and no row at or before it.
 */
const AFTER = (t: string, r: string) => `${t} >= ? AND NOT (${t} = ? AND ${r} <= ?)`;
const afterArgs = (from: Position | undefined) => [from?.t ?? '', from?.t ?? '', from?.r ?? 0];
const nextOf = (rows: { t: string; r: number }[], limit: number): Position | undefined => {
  const last = rows.at(-1);
  return limit >= 0 && rows.length >= limit && last ? { t: last.t, r: last.r } : undefined;
};

/**
 * A conversation (key `k`) that became a ticket: a ticket with that conversation id, or a ticket
 * with none whose `'session:' || session_id` is the key. Two lookups (tickets_conversation,
 * tickets_session of migration 022) instead of the OR with a concatenation.
 */
const TICKETED = (k: string) =>
  `(EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = ${k}) OR (${k} LIKE 'session:%' AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id IS NULL AND t.session_id = substr(${k}, 9))))`;
const CONVERSATION_KEY = `COALESCE(x.conversation_id, 'session:' || x.session_id)`;
/**
 * Of the keys given (a JSON list of `[key, t, r]`: a key and the first of its rows a slice met),
 * those to remove: no row since the cutoff, never a ticket, and met at their oldest row. A slice
 * meets a key's oldest row first; a later slice meets its other rows only in a dry run, which
 * rolled the removal back, and must not count it again. `own` is the condition on a row `y` of
 * key `k`. Whether it became a ticket first: most keys at scale did, and that is one look-up in a
 * small index, where their rows are a reading of the transcript.
 */
const EXPIRED = (own: string, ticketed: string) => `SELECT k FROM (SELECT json_extract(j.value, '$[0]') AS k, json_extract(j.value, '$[1]') AS met_at, json_extract(j.value, '$[2]') AS met_id FROM json_each(?) j)
  WHERE NOT ${ticketed}
    AND NOT EXISTS (SELECT 1 FROM transcript y WHERE ${own} AND y.ticket_ref IS NULL AND (y.created_at >= ? OR y.created_at < met_at OR (y.created_at = met_at AND y.id < met_id)))`;
const EXPIRED_CONVERSATIONS = EXPIRED('y.conversation_id = k', TICKETED('k'));
/** The same for sessions' rows from before conversation ids. */
const EXPIRED_SESSIONS = EXPIRED('y.session_id = k AND y.conversation_id IS NULL', TICKETED("'session:' || k"));
/** Closed, not held, not erased, unchanged since the cutoff (`?`). */
const EXPIRED_CLOSED = `t.status = 'closed' AND t.legal_hold_at IS NULL AND t.erased_at IS NULL AND t.updated_at < ?`;
/**
 * A closed ticket's rows are many (a screening is some twenty turns): a ticket counts this much
 * against the slice's budget.
 */
const ROWS_PER_TICKET = 20;
/**
 * A transcript row read costs this much of the budget: its table row is apart from its neighbours
 * by age, and its conversation is looked up. With the file out of the page cache (a year's rows,
 * read once a day) 500 of them had taken 70-110 ms; 100 take about 20.
 */
const COST_PER_TRANSCRIPT_ROW = 5;

const keys = (rows: unknown[]) => (rows as { k: string }[]).map((r) => r.k);
/** The `path` column of a query's rows: the files to delete once the rows' removal is committed. */
export const paths = (db: Db, sql: string, ...args: unknown[]): string[] => (db.prepare(sql).all(...args) as { path: string }[]).map((r) => r.path);

/** Whole conversations whose last message is older than the cutoff, never a ticket's: found from their rows as they come due. */
const unticketedConversations: Step = {
  kind: 'unticketed_conversations',
  run(db, cutoff, from, limit) {
    const reading = limit < 0 ? -1 : Math.max(1, Math.ceil(limit / COST_PER_TRANSCRIPT_ROW));
    const rows = db
      .prepare(
        `SELECT x.id AS r, x.created_at AS t, x.conversation_id AS c, x.session_id AS s, x.ticket_ref AS ref FROM transcript x INDEXED BY transcript_created
         WHERE x.created_at < ? AND ${AFTER('x.created_at', 'x.id')} ORDER BY x.created_at, x.id LIMIT ?`,
      )
      .all(cutoff, ...afterArgs(from), reading) as { r: number; t: string; c: string | null; s: string; ref: string | null }[];
    // A ticket's own rows are read too (and left): the limit is on rows read, not on rows that qualify.
    const ids = new Map<string, [string, string, number]>();
    const sessions = new Map<string, [string, string, number]>();
    for (const x of rows) {
      if (x.ref !== null) continue;
      const [key, met] = x.c !== null ? [x.c, ids] : [x.s, sessions];
      if (!met.has(key)) met.set(key, [key, x.t, x.r]);
    }
    const conversations = keys(db.prepare(EXPIRED_CONVERSATIONS).all(JSON.stringify([...ids.values()]), cutoff));
    const old = keys(db.prepare(EXPIRED_SESSIONS).all(JSON.stringify([...sessions.values()]), cutoff));
    const removed = db
      .prepare(
        `DELETE FROM transcript WHERE id IN (
           SELECT x.id FROM json_each(?) j JOIN transcript x ON x.conversation_id = j.value WHERE +x.ticket_ref IS NULL
           UNION ALL SELECT x.id FROM json_each(?) j JOIN transcript x ON x.session_id = j.value WHERE +x.conversation_id IS NULL AND +x.ticket_ref IS NULL)`,
      )
      .run(JSON.stringify(conversations), JSON.stringify(old)).changes;
    return { count: conversations.length + old.length, files: [], spent: rows.length * COST_PER_TRANSCRIPT_ROW + removed, next: nextOf(rows, reading) };
  },
};

/** Files of no ticket older than the cutoff (few: a photo sent before a report was made). */
const looseAttachments: Step = {
  kind: 'unticketed_conversations',
  run(db, cutoff) {
    const loose = `FROM attachments AS x WHERE x.ticket_ref IS NULL AND x.created_at < ? AND NOT ${TICKETED(CONVERSATION_KEY)}`;
    const files = paths(db, `SELECT x.path ${loose}`, cutoff);
    db.prepare(`DELETE ${loose}`).run(cutoff);
    return { count: 0, files, spent: files.length };
  },
};

/**
 * Rows of a table with no index by age, `limit` at a time in rowid order, of which those that
 * match `condition` (over alias `x`, with the cutoff as its one `?`) are removed.
 */
function byRowid(table: string, condition: string): Step['run'] {
  return (db, cutoff, from, limit) => {
    const after = from?.r ?? 0;
    const { last, n } = db.prepare(`SELECT max(r) AS last, count(*) AS n FROM (SELECT rowid AS r FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?)`).get(after, limit) as {
      last: number | null;
      n: number;
    };
    if (last === null) return { count: 0, files: [], spent: 0 };
    const count = db.prepare(`DELETE FROM ${table} AS x WHERE x.rowid > ? AND x.rowid <= ? AND ${condition}`).run(after, last, cutoff).changes;
    return { count, files: [], spent: n + count, next: limit >= 0 && n >= limit ? { t: '', r: last } : undefined };
  };
}

/** Chats idle since the cutoff that have no ticket (every chat is read: sessions have no index by age). */
const idleSessions: Step = {
  kind: 'unticketed_conversations',
  run: (db, cutoff, from, limit) => ({
    ...byRowid('sessions', 'x.updated_at < ? AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.channel = x.channel AND t.user_id = x.user_id)')(db, cutoff, from, limit),
    count: 0,
  }),
};

/** The next expired closed tickets, through their own index (migration 023) by age. */
function expiredClosed(db: Db, cutoff: string, from: Position | undefined, limit: number): { refs: string[]; next?: Position } {
  const tickets = limit < 0 ? -1 : Math.max(1, Math.ceil(limit / ROWS_PER_TICKET));
  const rows = db
    .prepare(
      `SELECT t.rowid AS r, t.updated_at AS t, t.ref AS ref FROM tickets t INDEXED BY tickets_closed_expiry
       WHERE ${EXPIRED_CLOSED} AND ${AFTER('t.updated_at', 't.rowid')} ORDER BY t.updated_at, t.rowid LIMIT ?`,
    )
    .all(cutoff, ...afterArgs(from), tickets) as { r: number; t: string; ref: string }[];
  return { refs: rows.map((x) => x.ref), next: nextOf(rows, tickets) };
}

/*
 * OWN_ROWS, a ticket's own transcript rows (x) as the ticket page shows them: x.ticket_ref = t.ref,
 * or x.ticket_ref IS NULL and (t has a conversation id and x has the same one, or t has none and x
 * has none and x.session_id = t.session_id). Written out per branch below, each through an index.
 */
const closedTranscripts: Step = {
  kind: 'closed_transcripts',
  run(db, cutoff, from, limit) {
    const { refs, next } = expiredClosed(db, cutoff, from, limit);
    if (refs.length === 0) return { count: 0, files: [], spent: 0, next };
    // From the tickets given (CROSS JOIN keeps that order): otherwise SQLite read every row
    // without a ticket reference through transcript_ticket, for an IS NULL term.
    const them = 'json_each(?) j CROSS JOIN tickets t ON t.ref = j.value CROSS JOIN transcript x';
    const count = db
      .prepare(
        `DELETE FROM transcript WHERE id IN (
           SELECT x.id FROM ${them} ON x.ticket_ref = t.ref
           UNION ALL SELECT x.id FROM ${them} ON x.conversation_id = t.conversation_id WHERE +x.ticket_ref IS NULL AND t.conversation_id IS NOT NULL
           UNION ALL SELECT x.id FROM ${them} ON x.session_id = t.session_id WHERE +x.conversation_id IS NULL AND +x.ticket_ref IS NULL AND t.conversation_id IS NULL)`,
      )
      .run(...Array(3).fill(JSON.stringify(refs))).changes;
    return { count, files: [], spent: refs.length * ROWS_PER_TICKET, next };
  },
};

const closedAttachments: Step = {
  kind: 'closed_attachments',
  run(db, cutoff, from, limit) {
    const { refs, next } = expiredClosed(db, cutoff, from, limit);
    if (refs.length === 0) return { count: 0, files: [], spent: 0, next };
    // Through attachments_ticket (migration 024), not a reading of every file's row per slice.
    const which = 'FROM attachments WHERE ticket_ref IN (SELECT value FROM json_each(?))';
    const files = paths(db, `SELECT path ${which}`, JSON.stringify(refs));
    db.prepare(`DELETE ${which}`).run(JSON.stringify(refs));
    return { count: files.length, files, spent: refs.length * ROWS_PER_TICKET, next };
  },
};

/**
 * Rows of `table` (alias `x`) whose age `t` (an expression, the value of index `index`) is older
 * than the cutoff, in the index's order from where the last slice stopped; of those, the ones that
 * also match `keep`'s negation are removed (rows kept, of a chat on hold, are read again by later runs).
 */
function byAge(table: string, index: string, t: string, where: string, keep?: string): Step['run'] {
  return (db, cutoff, from, limit) => {
    const rows = db
      .prepare(`SELECT x.rowid AS r, ${t} AS t FROM ${table} x INDEXED BY ${index} WHERE ${where} AND ${t} < ? AND ${AFTER(t, 'x.rowid')} ORDER BY ${t}, x.rowid LIMIT ?`)
      .all(cutoff, ...afterArgs(from), limit) as { r: number; t: string }[];
    const ids = JSON.stringify(rows.map((x) => x.r));
    const count = db.prepare(`DELETE FROM ${table} AS x WHERE x.rowid IN (SELECT value FROM json_each(?))${keep ? ` AND NOT ${keep}` : ''}`).run(ids).changes;
    return { count, files: [], spent: rows.length, next: nextOf(rows, limit) };
  };
}

/** A chat with a ticket on hold keeps what was sent to it. */
const HELD_CHAT = 'EXISTS (SELECT 1 FROM tickets t WHERE t.channel = x.channel AND t.user_id = x.recipient AND t.legal_hold_at IS NOT NULL)';

/** The steps, in order. Each kind's count is the sum of its steps'. */
const STEPS: Step[] = [
  unticketedConversations,
  looseAttachments,
  idleSessions,
  closedTranscripts,
  closedAttachments,
  { kind: 'outbox_content', run: byAge('outbox', 'outbox_done_age', 'COALESCE(x.sent_at, x.created_at)', "x.status IN ('sent', 'failed')", HELD_CHAT) },
  // Telegram's message records of a chat (for the quick exit's deletion); not counted, as before.
  { kind: 'outbox_content', run: (db, cutoff, from, limit) => ({ ...byRowid('sent_messages', 'x.sent_at < ?')(db, cutoff, from, limit), count: 0 }) },
  // Stored events wait only until handled: a handful.
  { kind: 'inbound_events', run: (db, cutoff) => ({ count: db.prepare('DELETE FROM inbox WHERE received_at < ?').run(cutoff).changes, files: [], spent: 0 }) },
  { kind: 'inbound_events', run: byAge('inbound_events', 'inbound_events_received', 'x.received_at', '1') },
  { kind: 'staff_sessions', run: (db, cutoff) => ({ count: db.prepare('DELETE FROM staff_sessions WHERE expires_at < ?').run(cutoff).changes, files: [], spent: 0 }) },
  // The trail of a ticket on hold stays (IS NOT NULL: `NULL IN (…)` is not false, and a row of no ticket must go).
  { kind: 'audit', run: byAge('audit', 'audit_at', 'x.at', '1', '(x.ticket_ref IS NOT NULL AND x.ticket_ref IN (SELECT ref FROM tickets WHERE legal_hold_at IS NOT NULL))') },
];

const EMPTY: Record<RetentionKind, number> = {
  unticketed_conversations: 0,
  closed_transcripts: 0,
  outbox_content: 0,
  inbound_events: 0,
  closed_attachments: 0,
  staff_sessions: 0,
  audit: 0,
};

/** Where the next slice starts: a step and its position, as the opaque `next` of a {@link PurgeResult}. */
interface Cursor {
  step: number;
  at?: Position;
}

function parseCursor(from: string | undefined): Cursor {
  if (from === undefined) return { step: 0 };
  const c = JSON.parse(from) as Cursor;
  if (!Number.isInteger(c.step) || c.step < 0) throw new Error(`not a purge position: ${from}`);
  return c;
}

/**
 * Purges every kind that has a cutoff, or with `slice` about `slice.rows` rows of it from
 * `slice.from` on. A dry run does the same deletions inside a savepoint and rolls them back: its
 * counts are exactly what a real run would remove.
 */
export function purgeExpired(db: Db, cutoffs: Partial<Record<RetentionKind, string>>, dryRun: boolean, slice?: PurgeSlice): PurgeResult {
  const counts = { ...EMPTY };
  const files: string[] = [];
  let budget = slice ? slice.rows : Number.POSITIVE_INFINITY;
  let { step, at } = parseCursor(slice?.from);
  let next: Cursor | undefined;
  db.prepare('SAVEPOINT retention').run();
  const rollBack = () => (db.prepare('ROLLBACK TO retention').run(), db.prepare('RELEASE retention').run());
  try {
    for (; step < STEPS.length; step++, at = undefined) {
      const { kind, run } = STEPS[step]!;
      const cutoff = cutoffs[kind];
      if (!cutoff) continue;
      if (budget <= 0) {
        next = { step };
        break;
      }
      const r = run(db, cutoff, at, Number.isFinite(budget) ? budget : -1);
      counts[kind] += r.count;
      files.push(...r.files);
      budget -= r.spent;
      if (r.next) {
        next = { step, at: r.next };
        break;
      }
    }
  } catch (err) {
    rollBack();
    throw err;
  }
  if (dryRun) rollBack();
  else db.prepare('RELEASE retention').run();
  return { counts, files: dryRun ? [] : files, ...(next ? { next: JSON.stringify(next) } : {}) };
}
