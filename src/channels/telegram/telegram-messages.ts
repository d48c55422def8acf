/**
 * Neutral replies as Telegram messages: texts cut to Telegram's 4096 characters and choices as an
 * inline keyboard on the last piece, each button carrying `k:<key>:<id>`, the question it answers
 * and its choice (at most 64 bytes; `c:<id>` when that does not fit, as every button did before).
 * A Telegram keyboard stays under its message, so an old message's button can still be tapped:
 * its key tells it from a button of the question now asked.
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import { forDisplay } from '../../conversation/display.ts';
import type { Reply } from '../../conversation/reply.ts';
import { splitText } from '../split-text.ts';

/** Telegram's limits (Bot API reference). */
export const TELEGRAM_LIMITS = { text: 4096, callbackData: 64 } as const;

/** Callback data of a choice of the question `key` (when known and it fits). */
export function choiceCallback(id: string, key?: string): string {
  const keyed = key ? `k:${key}:${id}` : undefined;
  return keyed && Buffer.byteLength(keyed, 'utf8') <= TELEGRAM_LIMITS.callbackData ? keyed : `c:${id}`;
}

/** The choice ids a button's callback data carries and the question it was for, or undefined when it is not ours. */
export function parseCallback(data: string | undefined): { ids: string[]; key?: string } | undefined {
  const colon = data?.startsWith('k:') ? data.indexOf(':', 2) : -1;
  const key = colon > 2 ? data!.slice(2, colon) : undefined;
  const rest = key ? data!.slice(colon + 1) : data?.startsWith('c:') ? data.slice(2) : undefined;
  const ids = rest?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return ids.length ? { ids, ...(key ? { key } : {}) } : undefined;
}

/** One sendMessage call. */
export interface TelegramText {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** Turns one reply into the texts to send, in order; the keyboard rides on the last one. */
export function toTelegramMessages(stored: Reply): TelegramText[] {
  const reply = forDisplay(stored);
  const messages: TelegramText[] = splitText(reply.text || ' ', TELEGRAM_LIMITS.text).map((text) => ({ text }));
  // A choice id too long for callback_data cannot be a button; it can still be typed.
  const key = reply.expects?.key;
  const buttons = (reply.choices ?? []).filter((c) => Buffer.byteLength(choiceCallback(c.id, key), 'utf8') <= TELEGRAM_LIMITS.callbackData);
  if (buttons.length) {
    // One button per row: labels in Thai, Burmese or Khmer are long, and a clear column is easiest to tap.
    messages[messages.length - 1]!.reply_markup = { inline_keyboard: buttons.map((c) => [{ text: c.label, callback_data: choiceCallback(c.id, key) }]) };
  }
  return messages;
}

/** A row of the outbox as joining sees it. */
interface JoinableRow {
  id: number;
  kind: string;
  replyTo?: string | null;
  partsSent?: number;
  payload: unknown;
}

/**
 * The replies of one turn that go as one Telegram message: consecutive replies to the same event,
 * none but the last with buttons, none begun already, with one script, together within Telegram's
 * length. Joined, their texts are paragraphs of one message, and the buttons stay under the
 * question they belong to. One message rather than four is one notification on a phone that may
 * be watched, and one call to Telegram. Every other row stands alone. Order is kept. (A turn is
 * written as one `replies` row now, joined by {@link joinReplies}; this joins the rows of one
 * written before.)
 */
export function joinTurn<R extends JoinableRow>(rows: R[]): { rows: R[]; reply?: Reply }[] {
  const groups: { rows: R[]; joined: Joined }[] = [];
  for (const row of rows) {
    const reply = row.kind === 'reply' && !row.partsSent ? (row.payload as Reply) : undefined;
    const group = groups.at(-1);
    if (reply && group && row.replyTo != null && group.rows[0]!.replyTo === row.replyTo && joinOnto(group.joined, reply)) group.rows.push(row);
    else groups.push({ rows: [row], joined: reply ? start(reply) : { texts: [], length: Number.POSITIVE_INFINITY, last: { text: '' } } });
  }
  return groups.map((g) => (g.rows.length === 1 ? { rows: g.rows } : { rows: g.rows, reply: asReply(g.joined) }));
}

/** The replies of one turn (a `replies` row) as the messages Telegram gets, joined as {@link joinTurn} joins rows. */
export function joinReplies(replies: Reply[]): Reply[] {
  const groups: Joined[] = [];
  for (const reply of replies) {
    const group = groups.at(-1);
    if (!group || !joinOnto(group, reply)) groups.push(start(reply));
  }
  return groups.map((g) => (g.texts.length === 1 ? g.last : asReply(g)));
}

/** Replies joined so far: their texts, the length shown, and the last (whose buttons and script the message takes). */
type Joined = { texts: string[]; length: number; last: Reply };

function start(reply: Reply): Joined {
  return { texts: [reply.text], length: forDisplay(reply).text.length, last: reply };
}

/** Adds `reply` to `joined` when it may follow in the same message: same script, no buttons before it, within the length. */
function joinOnto(joined: Joined, reply: Reply): boolean {
  const shown = forDisplay(reply).text.length;
  const fits = joined.last.script === reply.script && !(joined.last.choices?.length ?? 0) && joined.length + PARAGRAPH.length + shown <= TELEGRAM_LIMITS.text;
  if (!fits) return false;
  joined.texts.push(reply.text);
  joined.length += PARAGRAPH.length + shown;
  joined.last = reply;
  return true;
}

function asReply(j: Joined): Reply {
  const { choices, expects, script } = j.last;
  return { text: j.texts.join(PARAGRAPH), ...(choices ? { choices } : {}), ...(expects ? { expects } : {}), ...(script ? { script } : {}) };
}

/** Between the joined replies of a turn. */
const PARAGRAPH = '\n\n';
