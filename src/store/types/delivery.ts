/**
 * Records of the store: Messages waiting to go out and platform events waiting to be handled.
 */

export interface OutboxMessage {
  id: number;
  channel: string;
  recipient: string;
  /**
   * reply: a message to the user; replies: the answers of one turn, `{ replies: Reply[] }`, sent
   * together (one row, one platform call where the platform allows); notify: an alert; erase:
   * delete the bot's messages (quick exit).
   */
  kind: 'reply' | 'replies' | 'notify' | 'erase';
  payload: unknown;
  attempts: number;
  /** The inbound event this row answers (its reply token, on LINE), when it answers one. */
  replyTo?: string | null;
  /** The LINE push retry key fixed for this row before its first attempt (see {@link Store.setRetryKeys}). */
  retryKey?: string | null;
  /** Of a row sent as several messages, how many the platform has taken already. */
  partsSent?: number;
  /** A reply on the danger path: its chat is served ahead of the others when there is a backlog. */
  urgent?: boolean;
}

/** A platform event to accept (see `Store.addInbound`). */
export interface NewInboundEvent {
  channel: string;
  eventId: string;
  userKey: string;
  payload: unknown;
  /** LINE's reply token of the event, kept with it in the same commit (see `Store.saveReplyToken`). */
  replyToken?: string;
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
