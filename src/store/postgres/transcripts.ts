/**
 * The transcript: what was said in each chat, by whom, in which report.
 */
import type { Store, TicketRecord, TranscriptRow, Tx } from '../store.ts';
import { expandTurns, lastOfTurn } from '../transcript-turns.ts';
import { json, type PgContext, type Row, type Sql } from './connection.ts';

const toRow = (r: Row): TranscriptRow => ({ direction: r.direction as 'in' | 'out', body: r.body, createdAt: r.created_at as string });

/** The {@link Tx} methods of the transcript. */
export function transcriptsTx(q: Sql): Pick<Tx, 'addTranscript' | 'inboundMessageIds' | 'deleteTranscriptMessage' | 'unsendMessage' | 'redactOutbound' | 'lastOutbound' | 'lastOutboundRow'> {
  return {
    addTranscript: async (sessionId, direction, body, messageId, link) => {
      await q.run('INSERT INTO transcript (session_id, direction, message_id, body, created_at, conversation_id, ticket_ref) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        sessionId,
        direction,
        messageId ?? null,
        json(body),
        q.now(),
        link?.conversationId ?? null,
        link?.ticketRef ?? null,
      ]);
    },
    inboundMessageIds: async (sessionId) =>
      (await q.rows(`SELECT message_id FROM transcript WHERE session_id = $1 AND direction = 'in' AND message_id IS NOT NULL ORDER BY id`, [sessionId])).map((r) => r.message_id as string),
    deleteTranscriptMessage: async (sessionId, messageId) => q.run('DELETE FROM transcript WHERE session_id = $1 AND message_id = $2', [sessionId, messageId]),
    unsendMessage: async (sessionId, messageId) => {
      const rows = (await q.rows('DELETE FROM transcript WHERE session_id = $1 AND message_id = $2 RETURNING id, body, conversation_id, ticket_ref', [sessionId, messageId]))
        .sort((a, b) => (a.id as number) - (b.id as number))
        .map((r) => ({ body: r.body, conversationId: (r.conversation_id as string | null) ?? null, ticketRef: (r.ticket_ref as string | null) ?? null }));
      const files = (await q.rows('DELETE FROM attachments WHERE session_id = $1 AND message_id = $2 RETURNING path', [sessionId, messageId])).map((r) => r.path as string);
      return { rows, files };
    },
    redactOutbound: async (sessionId, conversationId, text, by) => {
      // Inside a JSON string the text appears escaped; so is its replacement. json keeps the text as written.
      const inJson = (v: string) => JSON.stringify(v).slice(1, -1);
      await q.run(
        `UPDATE transcript SET body = replace(body::text, $1, $2)::json
         WHERE session_id = $3 AND conversation_id = $4 AND direction = 'out' AND strpos(body::text, $1) > 0`,
        [inJson(text), inJson(by), sessionId, conversationId],
      );
    },
    lastOutbound: async (sessionId) => {
      const row = await q.one(`SELECT body FROM transcript WHERE session_id = $1 AND direction = 'out' ORDER BY id DESC LIMIT 1`, [sessionId]);
      return row ? lastOfTurn(row.body) : undefined;
    },
    lastOutboundRow: async (sessionId) => {
      const row = await q.one(`SELECT body, ticket_ref FROM transcript WHERE session_id = $1 AND direction = 'out' ORDER BY id DESC LIMIT 1`, [sessionId]);
      return row ? { body: lastOfTurn(row.body), ticketRef: (row.ticket_ref as string | null) ?? null } : undefined;
    },
  };
}

/** The {@link Store} methods of the transcript. */
export function transcriptsStore(c: PgContext): Pick<Store, 'transcriptOf' | 'ticketTranscript' | 'lastMessageToCaseAt' | 'lastInboundAt'> {
  return {
    async transcriptOf(sessionId) {
      return expandTurns((await c.sql.rows('SELECT direction, body, created_at FROM transcript WHERE session_id = $1 ORDER BY id', [sessionId])).map(toRow));
    },
    async ticketTranscript(ticket: Pick<TicketRecord, 'ref' | 'sessionId' | 'conversationId'>, until?: string) {
      // A row written to a case belongs to that case only; the rest belong to their conversation.
      const own = ticket.conversationId ? 'conversation_id = $2' : 'conversation_id IS NULL AND session_id = $2';
      const rows = await c.sql.rows(
        `SELECT direction, body, created_at FROM transcript WHERE (ticket_ref = $1 OR (ticket_ref IS NULL AND ${own})) ${until ? 'AND created_at <= $3' : ''} ORDER BY id`,
        [ticket.ref, ticket.conversationId ?? ticket.sessionId, ...(until ? [until] : [])],
      );
      return expandTurns(rows.map(toRow));
    },
    async lastMessageToCaseAt(ref) {
      return ((await c.sql.one(`SELECT MAX(created_at) AS at FROM transcript WHERE ticket_ref = $1 AND direction = 'in'`, [ref]))?.at as string | null) ?? undefined;
    },
    async lastInboundAt(sessionId) {
      return ((await c.sql.one(`SELECT MAX(created_at) AS at FROM transcript WHERE session_id = $1 AND direction = 'in'`, [sessionId]))?.at as string | null) ?? undefined;
    },
  };
}
