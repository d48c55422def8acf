/**
 * Records of the store: What was said in a chat, and the files sent in it.
 */

/**
 * Which report a transcript row belongs to: the conversation it was said in and, for a row written
 * to a case after its screening (a later message, staff writing, a case update), that ticket.
 */
export interface TranscriptLink {
  conversationId?: string | null;
  ticketRef?: string | null;
}

/** A transcript row, as a ticket page shows it. */
export interface TranscriptRow {
  direction: 'in' | 'out';
  body: unknown;
  createdAt: string;
}

export interface Attachment {
  id: string;
  sessionId: string;
  ticketRef: string | null;
  /** The conversation the file arrived in (see {@link TicketRecord.conversationId}). */
  conversationId?: string | null;
  channel: string;
  messageId: string | null;
  name: string | null;
  mime: string;
  size: number;
  sha256: string;
  path: string;
  createdAt: string;
}
