/**
 * Neutral replies as LINE messages: texts cut to LINE's 5000 characters, choices as quick-reply
 * buttons (13 at most, labels of 20 characters at most, a "more" button paging through longer
 * lists), and a turn's messages brought within one call of 5 where their texts allow it. How
 * they are grouped into calls is `line-calls.ts`.
 */
import type { messagingApi } from '@line/bot-sdk';
import { forDisplay } from '../../conversation/display.ts';
import { toZawgyi } from '../../i18n/zawgyi.ts';
import type { Choice, Reply } from '../../conversation/reply.ts';
import { cutLabel, splitText } from '../split-text.ts';

/** LINE's limits (Messaging API reference). */
export const LINE_LIMITS = { text: 5000, quickReplyItems: 13, label: 20, displayText: 300, messagesPerCall: 5 } as const;

/** A reply as the outbox carries it to LINE; `page` is set when the user asked for more choices. */
export type LineReply = Reply & { page?: number };

/** Postback data of a choice: `c=<id>` (a multi-select sends them comma-separated). */
export function choiceData(id: string): string {
  return `c=${encodeURIComponent(id)}`;
}

/** Postback data of the "more" button. */
export function moreData(page: number): string {
  return `m=${page}`;
}

/** What a postback asks for: choice ids, a page of choices, or nothing we know. */
export function parsePostback(data: string): { choice: string[] } | { page: number } | undefined {
  const params = new URLSearchParams(data);
  const choice = params.get('c');
  if (choice !== null) {
    const ids = choice.split(',').map((s) => s.trim()).filter(Boolean);
    return ids.length ? { choice: ids } : undefined;
  }
  const page = Number(params.get('m'));
  return Number.isInteger(page) && page > 0 ? { page } : undefined;
}

/** The choices of one page: 13 fit when they are all; otherwise 12 per page plus "more". */
export function choicePage(choices: Choice[], page: number): { choices: Choice[]; more: boolean } {
  if (choices.length <= LINE_LIMITS.quickReplyItems) return { choices, more: false };
  const per = LINE_LIMITS.quickReplyItems - 1;
  const start = Math.max(0, Math.min(page, Math.ceil(choices.length / per) - 1)) * per;
  const rest = choices.length - start;
  // The last page may use the 13th slot, as it needs no "more".
  if (rest <= LINE_LIMITS.quickReplyItems) return { choices: choices.slice(start), more: false };
  return { choices: choices.slice(start, start + per), more: true };
}

/** Turns one reply into LINE text messages; the quick replies ride on the last one. */
export function toLineMessages(stored: LineReply, moreLabel: string): messagingApi.TextMessage[] {
  const reply = forDisplay(stored);
  const moreText = stored.script === 'zawgyi' ? toZawgyi(moreLabel) : moreLabel;
  const texts = splitText(reply.text || ' ', LINE_LIMITS.text);
  const messages: messagingApi.TextMessage[] = texts.map((text) => ({ type: 'text', text }));
  if (reply.choices?.length) {
    const page = reply.page ?? 0;
    const { choices, more } = choicePage(reply.choices, page);
    const items: messagingApi.QuickReplyItem[] = choices.map((c) => ({
      type: 'action',
      // displayText shows the pick as the user's own bubble, so the chat reads naturally.
      action: { type: 'postback', label: cutLabel(c.label, LINE_LIMITS.label), data: choiceData(c.id), displayText: cutLabel(c.label, LINE_LIMITS.displayText) },
    }));
    if (more) items.push({ type: 'action', action: { type: 'postback', label: cutLabel(moreText, LINE_LIMITS.label), data: moreData(page + 1) } });
    // LINE's own buttons open the location picker, the camera or the photo library.
    const input = reply.inputLabels ?? {};
    const native: messagingApi.QuickReplyItem[] = [
      ...(input.share_location ? [{ type: 'action', action: { type: 'location', label: cutLabel(input.share_location, LINE_LIMITS.label) } } as const] : []),
      ...(input.camera ? [{ type: 'action', action: { type: 'camera', label: cutLabel(input.camera, LINE_LIMITS.label) } } as const] : []),
      ...(input.photo_library ? [{ type: 'action', action: { type: 'cameraRoll', label: cutLabel(input.photo_library, LINE_LIMITS.label) } } as const] : []),
    ];
    items.unshift(...native.slice(0, Math.max(0, LINE_LIMITS.quickReplyItems - items.length)));
    messages[messages.length - 1]!.quickReply = { items };
  }
  return messages;
}

/** What stands between two joined texts: a blank line, as between paragraphs. */
const JOIN = '\n\n';

/**
 * A turn's messages in at most `most` (one call's worth, 5): while there are more, the two
 * neighbours whose joined text is shortest become one message, their texts a blank line apart.
 * A call beyond the first must be pushed (the reply token is single use), and pushes count against
 * the plan's monthly quota while replies do not: the danger path's seven answers went as a reply
 * of five and a push of two, the push carrying the reference number and the next question. Short
 * neighbours are joined first, so the long ones (the emergency numbers) keep a bubble of their own.
 * Two texts are never joined past LINE's 5,000 characters, and a message with quick replies is
 * never joined to the one after it (its buttons would be lost); what cannot be joined stays as it
 * is and goes in several calls.
 */
export function inOneCall(messages: messagingApi.TextMessage[], most: number = LINE_LIMITS.messagesPerCall): messagingApi.TextMessage[] {
  const out = [...messages];
  while (out.length > most) {
    let best = -1;
    let bestLength = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < out.length; i++) {
      if (out[i]!.quickReply) continue;
      const length = out[i]!.text.length + JOIN.length + out[i + 1]!.text.length;
      if (length <= LINE_LIMITS.text && length < bestLength) (best = i), (bestLength = length);
    }
    if (best < 0) break;
    out.splice(best, 2, { ...out[best + 1]!, text: `${out[best]!.text}${JOIN}${out[best + 1]!.text}` });
  }
  return out;
}
