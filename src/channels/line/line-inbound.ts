/**
 * Handles stored LINE webhook events: translates each into the neutral form and hands it to the
 * conversation. Only translation happens here; what to answer is the conversation's business.
 */
import type { Readable } from 'node:stream';
import type { messagingApi, webhook } from '@line/bot-sdk';
import type { Config } from '../../config/env.ts';
import type { ConversationService } from '../../conversation/conversation-service.ts';
import type { InboundContent, Reply } from '../../conversation/reply.ts';
import type { FileStore } from '../../store/file-store.ts';
import type { InboundRow, NewInboundEvent, Store } from '../../store/store.ts';
import { withDeadline } from '../../delivery/deadline.ts';
import { ACCEPTED_MIME, readCapped, sniffMime } from '../media.ts';
import { sniffAudio, takesVoiceNotes } from '../../llm/voice-note.ts';
import { parsePostback } from './line-messages.ts';
import { LINE_CHANNEL } from './line-sender.ts';

/** What the handler needs. */
export interface LineInboundDeps {
  config: Pick<Config, 'MAX_UPLOAD_BYTES' | 'PLATFORM_DOWNLOAD_TIMEOUT_MS' | 'LLM_FEATURES'>;
  conversation: ConversationService;
  store: Store;
  files: FileStore;
  client: Pick<messagingApi.MessagingApiClient, 'getProfile'>;
  blob: Pick<messagingApi.MessagingApiBlobClient, 'getMessageContent'>;
}

/** After this many failed attempts at a download, the user is told it did not work instead. */
const DOWNLOAD_ATTEMPTS = 2;

/** The session id the conversation uses for a chat (its own `channel:user` convention). */
export const lineSessionId = (userId: string) => `${LINE_CHANNEL}:${userId}`;

/** A text, a location or a button: answered by the database alone, so it may be handled in its webhook request. */
export function quickLineEvent(e: NewInboundEvent): boolean {
  const event = e.payload as webhook.Event;
  if (event.type === 'message') return event.message.type === 'text' || event.message.type === 'location';
  return event.type === 'postback';
}

/** Handles one stored LINE event (an inbox row). */
export async function handleLineEvent(deps: LineInboundDeps, row: InboundRow): Promise<void> {
  const event = row.payload as webhook.Event;
  const userId = row.userKey;
  const base = { channel: LINE_CHANNEL, userId, eventId: row.eventId };
  const { conversation, store } = deps;

  // The event's reply token was stored when the event was accepted (line-webhook.ts).
  switch (event.type) {
    case 'message': {
      const content = await messageContent(deps, event.message, row.attempts);
      const result = await conversation.handle({ ...base, messageId: event.message.id, content });
      // A redelivered photo was downloaded again for nothing.
      if (result.duplicate && content.type === 'media') await deps.files.delete([content.file.path]);
      return;
    }
    case 'postback': {
      const asked = parsePostback(event.postback.data);
      if (asked && 'page' in asked) return showPage(deps, row, asked.page);
      const content: InboundContent = asked ? { type: 'choice', ids: asked.choice } : { type: 'unsupported', what: 'postback' };
      await conversation.handle({ ...base, content });
      return;
    }
    case 'follow': {
      // Added as a friend, or unblocked: reachable again, and the conversation starts.
      await store.setUnreachable(LINE_CHANNEL, userId, false);
      // Someone may block the chat to hide it: unblocking resumes where they were, as on Telegram.
      if (event.follow.isUnblocked && (await store.transaction((tx) => tx.getSession(lineSessionId(userId))))) {
        await store.transaction((tx) => tx.claimEvent(LINE_CHANNEL, row.eventId));
        return;
      }
      const languageHint = await profileLanguage(deps, userId);
      await conversation.handle({ ...base, ...(languageHint ? { languageHint } : {}), content: { type: 'text', text: '/start' } });
      return;
    }
    case 'unfollow':
      // Blocked: nothing can reach the person any more; staff must know before writing.
      await store.setUnreachable(LINE_CHANNEL, userId, true);
      return;
    case 'unsend':
      // The person took a message back: it goes from the transcript, and the answer it gave with it.
      await conversation.unsend({ channel: LINE_CHANNEL, userId, eventId: row.eventId, messageId: event.unsend.messageId });
      return;
    case 'join':
    case 'leave':
      // The bot was added to (or removed from) a staff group: remember its id so that an admin can
      // send an agency's alerts there (`npm run cli -- alerts groups`). The bot says nothing in groups.
      if (event.source?.type === 'group') await store.recordLineGroup(event.source.groupId, event.type === 'join');
      return;
    default:
      // beacon, member events, ...: nothing for a one-to-one screening chat.
      return;
  }
}

/** The neutral content of a LINE message; photos and files are downloaded and stored first. */
async function messageContent(deps: LineInboundDeps, message: webhook.MessageContent, attempts: number): Promise<InboundContent> {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.text };
    case 'location': {
      const text = [message.title, message.address].filter(Boolean).join(', ');
      return { type: 'location', lat: message.latitude, lon: message.longitude, ...(text ? { text } : {}) };
    }
    case 'image':
    case 'file':
    case 'audio': {
      // A voice note is taken only when it can be transcribed (src/llm/voice-note.ts).
      if (message.type === 'audio' && !takesVoiceNotes(deps.config)) return { type: 'unsupported', what: 'audio' };
      const name = message.type === 'file' ? message.fileName : null;
      if (message.type === 'file' && message.fileSize > deps.config.MAX_UPLOAD_BYTES) return { type: 'unsupported', what: 'file_too_large' };
      try {
        // LINE deletes content after a while: fetch it now, not when someone looks at the ticket.
        // Within its deadline, body included: a download that stalls half-way is given up too.
        let stream: Readable | undefined;
        const download = deps.blob.getMessageContent(message.id).then((s) => readCapped((stream = s), deps.config.MAX_UPLOAD_BYTES));
        const read = await withDeadline(download, deps.config.PLATFORM_DOWNLOAD_TIMEOUT_MS, 'line getMessageContent', () => stream?.destroy());
        if (!read.ok) return { type: 'unsupported', what: 'file_too_large' };
        const mime = message.type === 'audio' ? sniffAudio(read.bytes) : sniffMime(read.bytes);
        if (!mime || (message.type !== 'audio' && !ACCEPTED_MIME.includes(mime))) return { type: 'unsupported', what: 'file_type' };
        return { type: 'media', file: await deps.files.save(read.bytes, mime, name) };
      } catch (err) {
        // Retried by the queue; after that the person is told, rather than left without an answer.
        if (attempts + 1 < DOWNLOAD_ATTEMPTS) throw err;
        return { type: 'unsupported', what: 'download_failed' };
      }
    }
    default:
      // video, sticker: answered with what the bot can take.
      return { type: 'unsupported', what: message.type };
  }
}

/** The user's language from the profile; absent until they accepted LINE's policy, or on error. */
async function profileLanguage(deps: LineInboundDeps, userId: string): Promise<string | undefined> {
  try {
    return (await deps.client.getProfile(userId)).language ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * "More" on a long choice list: sends the next page of the question last asked. The question is
 * read from the transcript, so nothing about it has to travel in the 300-character postback.
 */
async function showPage(deps: LineInboundDeps, row: InboundRow, page: number): Promise<void> {
  const transcript = await deps.store.transcriptOf(lineSessionId(row.userKey));
  const last = [...transcript].reverse().find((t) => t.direction === 'out' && ((t.body as Reply).choices?.length ?? 0) > 0);
  await deps.store.transaction(async (tx) => {
    if (!(await tx.claimEvent(LINE_CHANNEL, row.eventId)) || !last) return;
    const reply = last.body as Reply;
    await tx.enqueue({ channel: LINE_CHANNEL, recipient: row.userKey, kind: 'reply', payload: { ...reply, page }, replyTo: row.eventId });
  });
}
