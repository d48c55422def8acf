/**
 * Handles stored Telegram updates: translates each into the neutral form and hands it to the
 * conversation. Only translation happens here; what to answer is the conversation's business.
 */
import type { Api } from 'grammy';
import type { Message, Update } from 'grammy/types';
import type { Config } from '../../config/env.ts';
import type { ConversationService } from '../../conversation/conversation-service.ts';
import type { InboundContent } from '../../conversation/reply.ts';
import type { FileStore } from '../../store/file-store.ts';
import type { InboundRow, Store } from '../../store/store.ts';
import { parseClaim } from '../../alerts/alert-claim.ts';
import { ACCEPTED_MIME, readCapped, sniffMime } from '../media.ts';
import { sniffAudio, takesVoiceNotes } from '../../llm/voice-note.ts';
import { parseCallback } from './telegram-messages.ts';
import { TELEGRAM_CHANNEL } from './telegram-sender.ts';

/** Bots may download files up to 20 MB (Bot API getFile). */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** After this many failed attempts at a download, the user is told it did not work instead. */
const DOWNLOAD_ATTEMPTS = 2;

/** What the handler needs. */
export interface TelegramInboundDeps {
  config: Pick<Config, 'MAX_UPLOAD_BYTES' | 'TELEGRAM_API_ROOT' | 'PLATFORM_DOWNLOAD_TIMEOUT_MS' | 'LLM_FEATURES'>;
  token: string;
  conversation: ConversationService;
  store: Store;
  files: FileStore;
  api: Pick<Api, 'getFile' | 'answerCallbackQuery'>;
  /** Claims a ticket from an alert's button; returns the text to show the person who tapped. */
  claim?: (telegramUserId: string, ref: string, languageCode: string | undefined) => Promise<string>;
}

/**
 * The user an update comes from, when it is from a private chat (the only kind handled), or a tap
 * on an alert's claim button (in a staff group too).
 */
export function updateUser(update: Update): string | undefined {
  const chat = update.message?.chat ?? update.callback_query?.message?.chat ?? update.my_chat_member?.chat;
  const from = update.message?.from ?? update.callback_query?.from ?? update.my_chat_member?.from;
  const claim = parseClaim(update.callback_query?.data) !== undefined;
  if (!from || (chat && chat.type !== 'private' && !claim)) return undefined;
  return String(from.id);
}

/** Handles one stored Telegram update (an inbox row). */
export async function handleTelegramUpdate(deps: TelegramInboundDeps, row: InboundRow): Promise<void> {
  const update = row.payload as Update;
  const userId = row.userKey;
  const base = { channel: TELEGRAM_CHANNEL, userId, eventId: row.eventId };

  if (update.callback_query && parseClaim(update.callback_query.data)) {
    const q = update.callback_query;
    // Handled once, like any event; a redelivered tap would claim again and audit twice.
    if (!(await deps.store.transaction((tx) => tx.claimEvent(TELEGRAM_CHANNEL, row.eventId)))) return;
    const text = deps.claim ? await deps.claim(String(q.from.id), parseClaim(q.data)!, q.from.language_code) : undefined;
    await deps.api.answerCallbackQuery(q.id, text ? { text: text.slice(0, 200), show_alert: true } : {}).catch(() => undefined);
    return;
  }
  if (update.callback_query) {
    const q = update.callback_query;
    // Stops the button's spinner. Not waited for: a tap is answered by the database alone (and so
    // may be handled in its webhook request); too late or twice is harmless, so errors are ignored.
    void deps.api.answerCallbackQuery(q.id).catch(() => undefined);
    const tapped = parseCallback(q.data);
    const content: InboundContent = tapped ? { type: 'choice', ids: tapped.ids, ...(tapped.key ? { forKey: tapped.key } : {}) } : { type: 'unsupported', what: 'button' };
    await deps.conversation.handle({ ...base, ...hint(q.from.language_code), content });
    return;
  }
  if (update.message) {
    const m = update.message;
    const content = await messageContent(deps, m, row.attempts);
    const result = await deps.conversation.handle({ ...base, messageId: String(m.message_id), ...hint(m.from?.language_code), content });
    if (result.duplicate && content.type === 'media') await deps.files.delete([content.file.path]);
    return;
  }
  if (update.my_chat_member) {
    // "kicked" is how Telegram says the user blocked the bot; "member" that they unblocked it.
    const status = update.my_chat_member.new_chat_member.status;
    if (status === 'kicked' || status === 'member') await deps.store.setUnreachable(TELEGRAM_CHANNEL, userId, status === 'kicked');
  }
  // Edited messages, reactions and the rest: the screening goes on from what was first sent.
}

function hint(code: string | undefined): { languageHint?: string } {
  return code ? { languageHint: code } : {};
}

/** The neutral content of a message; photos and documents are downloaded and stored first. */
async function messageContent(deps: TelegramInboundDeps, m: Message, attempts: number): Promise<InboundContent> {
  if (m.text !== undefined) return { type: 'text', text: m.text };
  if (m.location) {
    const text = m.venue ? [m.venue.title, m.venue.address].filter(Boolean).join(', ') : undefined;
    return { type: 'location', lat: m.location.latitude, lon: m.location.longitude, ...(text ? { text } : {}) };
  }
  if (m.photo?.length) {
    const largest = m.photo.reduce((a, b) => ((b.file_size ?? b.width * b.height) > (a.file_size ?? a.width * a.height) ? b : a));
    return download(deps, largest.file_id, largest.file_size, null, attempts);
  }
  if (m.document) return download(deps, m.document.file_id, m.document.file_size, m.document.file_name ?? null, attempts);
  // A voice note, a sound file or a round video note is taken only when it can be transcribed
  // (src/llm/voice-note.ts); a video note's audio track is what is transcribed.
  const spoken = m.voice ?? m.audio ?? m.video_note;
  if (spoken && takesVoiceNotes(deps.config)) return download(deps, spoken.file_id, spoken.file_size, m.audio?.file_name ?? null, attempts, true);
  const what = (['sticker', 'video', 'video_note', 'voice', 'audio', 'animation', 'contact', 'poll'] as const).find((k) => m[k] !== undefined);
  return { type: 'unsupported', what: what ?? 'message' };
}

async function download(deps: TelegramInboundDeps, fileId: string, size: number | undefined, name: string | null, attempts: number, voice = false): Promise<InboundContent> {
  const limit = Math.min(TELEGRAM_DOWNLOAD_LIMIT, deps.config.MAX_UPLOAD_BYTES);
  if (size !== undefined && size > limit) return { type: 'unsupported', what: 'file_too_large' };
  try {
    const file = await deps.api.getFile(fileId);
    if (!file.file_path) return { type: 'unsupported', what: 'file_too_large' };
    const res = await fetch(`${deps.config.TELEGRAM_API_ROOT}/file/bot${deps.token}/${file.file_path}`, { signal: AbortSignal.timeout(deps.config.PLATFORM_DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok || !res.body) throw new Error(`file download: HTTP ${res.status}`);
    const read = await readCapped(res.body as AsyncIterable<Uint8Array>, limit);
    if (!read.ok) return { type: 'unsupported', what: 'file_too_large' };
    const mime = voice ? sniffAudio(read.bytes) : sniffMime(read.bytes);
    if (!mime || (!voice && !ACCEPTED_MIME.includes(mime))) return { type: 'unsupported', what: 'file_type' };
    return { type: 'media', file: await deps.files.save(read.bytes, mime, name) };
  } catch (err) {
    // getFile refuses files over 20 MB with a 400 "file is too big".
    if ((err as { error_code?: number }).error_code === 400 && /too big/i.test((err as Error).message)) return { type: 'unsupported', what: 'file_too_large' };
    if (attempts + 1 < DOWNLOAD_ATTEMPTS) throw err;
    return { type: 'unsupported', what: 'download_failed' };
  }
}
