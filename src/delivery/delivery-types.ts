/** Types the outbox dispatcher and its channel lanes share (their own module: no import cycle). */

/** Where the dispatcher reports; a pino logger fits. Never given message content. */
export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the dispatcher reports to observers (metrics), by channel; never a message's content. */
export interface DispatcherEvents {
  sent: [channel: string];
  retry: [channel: string];
  failed: [channel: string];
}
