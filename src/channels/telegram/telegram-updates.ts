/** Turning a Telegram update into an inbox row, the same for the webhook and long polling. */
import type { Update } from 'grammy/types';
import type { InboundQueue } from '../inbound-queue.ts';
import { updateUser } from './telegram-inbound.ts';
import { TELEGRAM_CHANNEL } from './telegram-sender.ts';

/** The updates the bot asks for: messages, button taps, and being blocked or unblocked. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/**
 * Stores one update for handling (de-duplicated by update_id); updates from groups or without a
 * user are dropped here, as a one-to-one screening chat has nothing to do with them.
 */
export async function acceptUpdate(queue: InboundQueue, update: Update): Promise<void> {
  const userKey = updateUser(update);
  if (!userKey) return;
  await queue.accept([{ channel: TELEGRAM_CHANNEL, eventId: String(update.update_id), userKey, payload: update }]);
}
