/** Turning a Telegram update into an inbox row, the same for the webhook and long polling. */
import type { Update } from 'grammy/types';
import { parseClaim } from '../../alerts/alert-claim.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { MAX_PAYLOAD_DEPTH, nestsDeeperThan, problemsOf } from '../payload-check.ts';
import { checkTelegramUpdate, updateType } from './telegram-schema.ts';
import { updateUser } from './telegram-inbound.ts';
import { TELEGRAM_CHANNEL } from './telegram-sender.ts';

/** The updates the bot asks for: messages, button taps, and being blocked or unblocked. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/**
 * A text or a location typed in a chat, or a tap on an answer's button: answered by the database
 * alone (see InboundQueue.take; a tap's spinner is stopped without waiting for Telegram). Not a
 * tap on an alert's claim button, which waits for the claim's answer to show it.
 */
export function quickUpdate(update: Update): boolean {
  if (update.callback_query) return parseClaim(update.callback_query.data) === undefined;
  const m = update.message;
  return m !== undefined && (typeof m.text === 'string' || m.location !== undefined) && !m.photo && !m.document && !m.voice && !m.audio && !m.video && !m.video_note;
}

/**
 * Takes one update for handling (de-duplicated by update_id; a quick one is handled at once, see
 * InboundQueue.take); updates from groups or without a
 * user are dropped here, as a one-to-one screening chat has nothing to do with them. An update
 * whose known part has the wrong shape, or that nests absurdly deep, is recorded as malformed
 * (without its content) and skipped: it is never retried and never holds back later updates.
 */
export async function acceptUpdate(queue: InboundQueue, update: Update): Promise<void> {
  const eventId = String(update.update_id);
  const type = updateType(update as unknown as Record<string, unknown>);
  if (nestsDeeperThan(update)) return queue.reject([{ channel: TELEGRAM_CHANNEL, eventId, type, problems: [`(update): nested deeper than ${MAX_PAYLOAD_DEPTH}`] }]);
  const check = checkTelegramUpdate(update);
  if (!check.ok) return queue.reject([{ channel: TELEGRAM_CHANNEL, eventId, type, problems: problemsOf(check.problems) }]);
  const userKey = updateUser(update);
  if (!userKey) return;
  await queue.take([{ channel: TELEGRAM_CHANNEL, eventId, userKey, payload: update }]);
}
