/** What the bot sends, in a channel-neutral form; adapters turn it into platform messages. */

export type ExpectType = 'choice' | 'multi' | 'text' | 'number' | 'location' | 'media';

export interface Choice {
  id: string;
  label: string;
}

/** One message to the user. */
export interface Reply {
  text: string;
  /** Buttons; for a multi-select the user may pick several (sent comma-separated). */
  choices?: Choice[];
  /** The dictionary key the bot now waits for, and the kind of answer. */
  expects?: { key: string; type: ExpectType };
  /** Present on the message that gives a ticket reference. */
  ticket?: { ref: string };
  /**
   * Labels, in the user's language, for a channel's own input buttons when the bot waits for a
   * location or a photo (LINE's "share location", "camera" and "photos" quick replies).
   */
  inputLabels?: Partial<Record<InputButton, string>>;
  /**
   * Set when the person's phone shows Burmese in the Zawgyi encoding: the text is stored in Unicode
   * and the channel converts it as it sends it ({@link ../conversation/display.ts}).
   */
  script?: 'zawgyi';
}

/**
 * The replies an outbox row carries: one (`reply`), or the answers of one turn (`replies`, as the
 * conversation writes them: `{ replies: Reply[] }`). Other kinds carry none.
 */
export function rowReplies(row: { kind: string; payload: unknown }): Reply[] {
  if (row.kind === 'reply') return [row.payload as Reply];
  if (row.kind === 'replies') return (row.payload as { replies: Reply[] }).replies;
  return [];
}

/** Channel-native input buttons a reply may label. */
export type InputButton = 'share_location' | 'camera' | 'photo_library';

/** What a channel hands to the conversation: one inbound event in neutral form. */
export interface InboundMessage {
  channel: string;
  userId: string;
  /** The platform's unique id of the event, for de-duplication. */
  eventId: string;
  /** The platform's message id, when the event is a message. */
  messageId?: string;
  /** The platform's hint of the user's language (BCP-47), when known. */
  languageHint?: string;
  content: InboundContent;
}

/** A file already written to the file store by the adapter. */
export interface StoredFile {
  path: string;
  sha256: string;
  size: number;
  mime: string;
  name: string | null;
}

export type InboundContent =
  | { type: 'text'; text: string }
  /** `forKey`: the question the tapped button was sent with, when the channel tells (Telegram). */
  | { type: 'choice'; ids: string[]; forKey?: string }
  | { type: 'location'; lat: number; lon: number; text?: string }
  /** `transcript`: a voice note's words, when the assist transcribed it (src/llm/voice-note.ts). */
  | { type: 'media'; file: StoredFile; transcript?: string }
  | { type: 'unsupported'; what: string };
