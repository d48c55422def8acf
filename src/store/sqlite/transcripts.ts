/**
 * What was said in a chat, and which report each row belongs to.
 */
import type { Store, TicketRecord, Tx } from '../store.ts';
import { expandTurns, lastOfTurn } from '../transcript-turns.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';

/** The {@link Tx} methods (inside a transaction) of transcripts. */
export function transcriptsTx(c: SqliteConnection): Pick<Tx, 'addTranscript' | 'inboundMessageIds' | 'deleteTranscriptMessage' | 'unsendMessage' | 'redactOutbound' | 'lastOutbound' | 'lastOutboundRow'> {
  return {
    addTranscript: async (sessionId, direction, body, messageId, link) => {
      c.prepare('INSERT INTO transcript (session_id, direction, message_id, body, created_at, conversation_id, ticket_ref) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(sessionId, direction, messageId ?? null, json(body), c.now(), link?.conversationId ?? null, link?.ticketRef ?? null);
    },
    inboundMessageIds: async (sessionId) =>
      (c.prepare(`SELECT message_id FROM transcript WHERE session_id = ? AND direction = 'in' AND message_id IS NOT NULL ORDER BY id`).all(sessionId) as Row[]).map(
        (r) => r.message_id as string,
      ),
    deleteTranscriptMessage: async (sessionId, messageId) =>
      c.prepare('DELETE FROM transcript WHERE session_id = ? AND message_id = ?').run(sessionId, messageId).changes,
    unsendMessage: async (sessionId, messageId) => {
      const rows = (c.prepare('SELECT body, conversation_id, ticket_ref FROM transcript WHERE session_id = ? AND message_id = ? ORDER BY id').all(sessionId, messageId) as Row[]).map((r) => ({
        body: JSON.parse(r.body as string) as unknown,
        conversationId: (r.conversation_id as string | null) ?? null,
        ticketRef: (r.ticket_ref as string | null) ?? null,
      }));
      c.prepare('DELETE FROM transcript WHERE session_id = ? AND message_id = ?').run(sessionId, messageId);
      const files = (c.prepare('SELECT path FROM attachments WHERE session_id = ? AND message_id = ?').all(sessionId, messageId) as Row[]).map((r) => r.path as string);
      c.prepare('DELETE FROM attachments WHERE session_id = ? AND message_id = ?').run(sessionId, messageId);
      return { rows, files };
    },
    redactOutbound: async (sessionId, conversationId, text, by) => {
      // Inside a JSON string the text appears escaped; so is its replacement.
      const inJson = (v: string) => JSON.stringify(v).slice(1, -1);
      c.prepare(`UPDATE transcript SET body = replace(body, ?, ?) WHERE session_id = ? AND conversation_id = ? AND direction = 'out' AND instr(body, ?) > 0`)
        .run(inJson(text), inJson(by), sessionId, conversationId, inJson(text));
    },
    lastOutbound: async (sessionId) => {
      const row = c.prepare(`SELECT body FROM transcript WHERE session_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1`).get(sessionId) as Row | undefined;
      return row ? lastOfTurn(JSON.parse(row.body as string) as unknown) : undefined;
    },
    lastOutboundRow: async (sessionId) => {
      const row = c.prepare(`SELECT body, ticket_ref FROM transcript WHERE session_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1`).get(sessionId) as Row | undefined;
      return row ? { body: lastOfTurn(JSON.parse(row.body as string) as unknown), ticketRef: (row.ticket_ref as string | null) ?? null } : undefined;
    },
  };
}

/** The {@link Store} methods of transcripts. */
export function transcriptsStore(c: SqliteConnection): Pick<Store, 'transcriptOf' | 'ticketTranscript' | 'lastMessageToCaseAt' | 'lastInboundAt'> {
  return {
    async transcriptOf(sessionId: string) {
      return expandTurns(
        (c.prepare('SELECT direction, body, created_at FROM transcript WHERE session_id = ? ORDER BY id').all(sessionId) as Row[]).map((r) => ({
          direction: r.direction as 'in' | 'out',
          body: JSON.parse(r.body as string) as unknown,
          createdAt: r.created_at as string,
        })),
      );
    },
    async ticketTranscript(ticket: Pick<TicketRecord, 'ref' | 'sessionId' | 'conversationId'>, until?: string) {
      // A row written to a case belongs to that case only; the rest belong to their conversation.
      // A ticket from before conversations had ids shows the rows of that time only.
      const own = ticket.conversationId ? 'conversation_id = ?' : 'conversation_id IS NULL AND session_id = ?';
      const rows = c.prepare(`SELECT direction, body, created_at FROM transcript WHERE (ticket_ref = ? OR (ticket_ref IS NULL AND ${own})) ${until ? 'AND created_at <= ?' : ''} ORDER BY id`)
        .all(ticket.ref, ticket.conversationId ?? ticket.sessionId, ...(until ? [until] : [])) as Row[];
      return expandTurns(rows.map((r) => ({ direction: r.direction as 'in' | 'out', body: JSON.parse(r.body as string) as unknown, createdAt: r.created_at as string })));
    },
    async lastMessageToCaseAt(ref: string): Promise<string | undefined> {
      const row = c.prepare(`SELECT MAX(created_at) AS at FROM transcript WHERE ticket_ref = ? AND direction = 'in'`).get(ref) as Row | undefined;
      return (row?.at as string | null) ?? undefined;
    },
    async lastInboundAt(sessionId: string): Promise<string | undefined> {
      const row = c.prepare(`SELECT MAX(created_at) AS at FROM transcript WHERE session_id = ? AND direction = 'in'`).get(sessionId) as Row | undefined;
      return (row?.at as string | null) ?? undefined;
    },
  };
}
