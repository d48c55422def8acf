/**
 * Files people sent, loose in a conversation until a ticket takes them.
 */
import type { Attachment, Store, Tx } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { toAttachment } from './rows.ts';

/** The {@link Tx} methods (inside a transaction) of attachments. */
export function attachmentsTx(c: SqliteConnection): Pick<Tx, 'addAttachment' | 'linkAttachments'> {
  return {
    addAttachment: async (a) => {
      c.db
        .prepare(
          `INSERT INTO attachments (id, session_id, channel, message_id, name, mime, size, sha256, path, created_at, conversation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.sessionId, a.channel, a.messageId, a.name, a.mime, a.size, a.sha256, a.path, c.now(), a.conversationId ?? null);
    },
    linkAttachments: async (sessionId, ref, conversationId) => {
      // Another report's loose files of the same chat never join this ticket.
      if (conversationId) c.db.prepare('UPDATE attachments SET ticket_ref = ? WHERE session_id = ? AND conversation_id = ? AND ticket_ref IS NULL').run(ref, sessionId, conversationId);
      else c.db.prepare('UPDATE attachments SET ticket_ref = ? WHERE session_id = ? AND conversation_id IS NULL AND ticket_ref IS NULL').run(ref, sessionId);
    },
  };
}

/** The {@link Store} methods of attachments. */
export function attachmentsStore(c: SqliteConnection): Pick<Store, 'attachmentsOf'> {
  return {
    async attachmentsOf(ref: string): Promise<Attachment[]> {
      return (c.db.prepare('SELECT * FROM attachments WHERE ticket_ref = ? ORDER BY created_at').all(ref) as Row[]).map(toAttachment);
    },
  };
}
