/**
 * Attachment rows (the files themselves are in the file store).
 */
import type { Store, Tx } from '../store.ts';
import type { PgContext, Sql } from './connection.ts';
import { toAttachment } from './rows.ts';

/** The {@link Tx} methods of attachments. */
export function attachmentsTx(q: Sql): Pick<Tx, 'addAttachment' | 'linkAttachments'> {
  return {
    addAttachment: async (a) => {
      await q.run(
        `INSERT INTO attachments (id, session_id, channel, message_id, name, mime, size, sha256, path, created_at, conversation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [a.id, a.sessionId, a.channel, a.messageId, a.name, a.mime, a.size, a.sha256, a.path, q.now(), a.conversationId ?? null],
      );
    },
    linkAttachments: async (sessionId, ref, conversationId) => {
      // Another report's loose files of the same chat never join this ticket.
      if (conversationId) await q.run('UPDATE attachments SET ticket_ref = $1 WHERE session_id = $2 AND conversation_id = $3 AND ticket_ref IS NULL', [ref, sessionId, conversationId]);
      else await q.run('UPDATE attachments SET ticket_ref = $1 WHERE session_id = $2 AND conversation_id IS NULL AND ticket_ref IS NULL', [ref, sessionId]);
    },
  };
}

/** The {@link Store} methods of attachments. */
export function attachmentsStore(c: PgContext): Pick<Store, 'attachmentsOf'> {
  return {
    async attachmentsOf(ref) {
      return (await c.sql.rows('SELECT * FROM attachments WHERE ticket_ref = $1 ORDER BY created_at, id', [ref])).map(toAttachment);
    },
  };
}
