/**
 * Records of the store: Messages waiting to go out and platform events waiting to be handled.
 */

export interface OutboxMessage {
  id: number;
  channel: string;
  recipient: string;
  /** reply: a message to the user; notify: an alert; erase: delete the bot's messages (quick exit). */
  kind: 'reply' | 'notify' | 'erase';
  payload: unknown;
  attempts: number;
  /** The inbound event this row answers (its reply token, on LINE), when it answers one. */
  replyTo?: string | null;
  /** The LINE push retry key fixed for this row before its first attempt (see {@link Store.setRetryKeys}). */
  retryKey?: string | null;
  /** Of a row sent as several messages, how many the platform has taken already. */
  partsSent?: number;
}

/** A platform event accepted but not yet handled (see {@link Store.addInbound}). */
export interface InboundRow {
  id: number;
  channel: string;
  eventId: string;
  /** The platform's user id: events of one user are handled in order. */
  userKey: string;
  payload: unknown;
  attempts: number;
  receivedAt: string;
}
