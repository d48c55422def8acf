/**
 * Platform ids of the bot's messages, for deleting them at a quick exit.
 */
import type { Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Store} methods of sent messages. */
export function sentMessagesStore(c: SqliteConnection): Pick<Store, 'recordSentMessage' | 'takeSentMessages'> {
  return {
    async recordSentMessage(channel: string, recipient: string, messageId: string): Promise<void> {
      return c.immediate(() => {
        c.db.prepare('INSERT INTO sent_messages (channel, recipient, message_id, sent_at) VALUES (?, ?, ?, ?)').run(channel, recipient, messageId, c.now());
      });
    },
    async takeSentMessages(channel: string, recipient: string, since: Date): Promise<string[]> {
      return c.queued(() => {
        const ids = (
          c.db.prepare('SELECT message_id FROM sent_messages WHERE channel = ? AND recipient = ? AND sent_at >= ? ORDER BY sent_at').all(channel, recipient, since.toISOString()) as Row[]
        ).map((r) => r.message_id as string);
        c.db.prepare('DELETE FROM sent_messages WHERE channel = ? AND recipient = ?').run(channel, recipient);
        return ids;
      });
    },
  };
}
