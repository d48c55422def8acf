/**
 * Platform ids of the bot's messages, for deleting them at a quick exit.
 */
import type { Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Store} methods of sent messages. */
export function sentMessagesStore(c: SqliteConnection): Pick<Store, 'recordSentMessage' | 'takeSentMessages'> {
  // First in the next group (a quick exit must find every message), and shared by all the chats
  // whose messages went out meanwhile.
  const record = c.coalesce<{ channel: string; recipient: string; messageId: string }>(
    (sent) => {
      const insert = c.prepare('INSERT INTO sent_messages (channel, recipient, message_id, sent_at) VALUES (?, ?, ?, ?)');
      for (const { channel, recipient, messageId } of sent) insert.run(channel, recipient, messageId, c.now());
      return undefined;
    },
    { first: true },
  );
  return {
    recordSentMessage: (channel: string, recipient: string, messageId: string) => record({ channel, recipient, messageId }),
    async takeSentMessages(channel: string, recipient: string, since: Date): Promise<string[]> {
      return c.queued(() => {
        const ids = (
          c.prepare('SELECT message_id FROM sent_messages WHERE channel = ? AND recipient = ? AND sent_at >= ? ORDER BY sent_at').all(channel, recipient, since.toISOString()) as Row[]
        ).map((r) => r.message_id as string);
        c.prepare('DELETE FROM sent_messages WHERE channel = ? AND recipient = ?').run(channel, recipient);
        return ids;
      });
    },
  };
}
