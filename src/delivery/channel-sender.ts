/**
 * The small interface each channel implements so that the outbox dispatcher can deliver to it,
 * and the one error type it throws. The dispatcher knows nothing of any platform.
 */
import type { OutboxMessage } from '../store/store.ts';

/** Why a message could not be sent, which decides what the dispatcher does next. */
export type DeliveryFailure =
  /** Rate limit, server error, network: try again later. */
  | 'transient'
  /** The platform refused the message itself: sending it again would fail again. */
  | 'permanent'
  /** The user blocked the bot or left the chat. */
  | 'unreachable';

/**
 * A failed send. The message names the platform call and status only, never the content, because
 * it is stored in the outbox row and may be logged.
 */
export class DeliveryError extends Error {
  readonly failure: DeliveryFailure;
  /** The wait the platform asked for (Retry-After, retry_after), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, failure: DeliveryFailure, retryAfterMs?: number) {
    super(message);
    this.failure = failure;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
    this.name = 'DeliveryError';
  }
}

/** Sends outbox messages to one platform. */
export interface ChannelSender {
  /** The outbox channel name it serves (`line`, `telegram`). */
  readonly channel: string;
  /**
   * Sends the messages of one recipient, in the order given. Calls `delivered` (and waits for it)
   * as soon as each message has been accepted by the platform, so that a crash right after a send
   * resends at most that one. Throws (preferably a {@link DeliveryError}) at the first message that
   * could not be sent; the rest are left for later so that the chat stays in order.
   */
  send(recipient: string, messages: OutboxMessage[], delivered: (id: number) => Promise<void>): Promise<void>;
  /**
   * Checks that the platform answers, with a call that sends nothing (LINE's bot info, Telegram's
   * getMe); throws when it does not. A sender that has it is watched for outages: network errors,
   * timeouts and server errors hold the whole channel back, and its waiting messages go out as
   * soon as a probe and one delivery succeed (see `ChannelLane`).
   */
  probe?(): Promise<void>;
}
