/**
 * The platform ids of the bot's messages (for deleting them at a quick exit).
 */
import type { Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} methods of sent message ids. */
export function sentMessagesStore(c: PgContext): Pick<Store, 'recordSentMessage' | 'takeSentMessages'> {
  return {
    async recordSentMessage(channel, recipient, messageId) {
      await c.sql.run('INSERT INTO sent_messages (channel, recipient, message_id, sent_at) VALUES ($1, $2, $3, $4)', [channel, recipient, messageId, c.sql.now()]);
    },
    async takeSentMessages(channel, recipient, since) {
      const rows = await c.sql.rows('DELETE FROM sent_messages WHERE channel = $1 AND recipient = $2 RETURNING message_id, sent_at', [channel, recipient]);
      const from = since.toISOString();
      return rows
        .filter((r) => (r.sent_at as string) >= from)
        .sort((a, b) => ((a.sent_at as string) < (b.sent_at as string) ? -1 : (a.sent_at as string) > (b.sent_at as string) ? 1 : 0))
        .map((r) => r.message_id as string);
    },
  };
}
