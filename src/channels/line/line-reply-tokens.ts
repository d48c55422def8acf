/**
 * LINE reply tokens held in memory from the webhook to the reply. An event handled in its webhook
 * request (InboundQueue.take) is never stored, so its token is not either: it lives here for the
 * minute LINE honours it, and goes with the process (a reply not sent before a restart is pushed,
 * as it would be once the token expired). Tokens of stored events are in the database as well.
 */
import type { Clock } from '../../core/clock.ts';

/** Entries kept before the old ones are swept out. */
const SWEEP_AT = 5_000;
/** A token older than this is of no use any more (LINE's are good for about a minute). */
const KEEP_MS = 60_000;

/** Single-use tokens by event id. */
export class FreshReplyTokens {
  private readonly tokens = new Map<string, { token: string; at: number }>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Keeps the token of an event just received. */
  remember(eventId: string, token: string): void {
    const now = this.clock().getTime();
    if (this.tokens.size >= SWEEP_AT) {
      // Oldest first (a Map keeps insertion order): stop at the first one still of use.
      for (const [id, t] of this.tokens) {
        if (now - t.at < KEEP_MS) break;
        this.tokens.delete(id);
      }
    }
    this.tokens.delete(eventId);
    this.tokens.set(eventId, { token, at: now });
  }

  /** Takes (and forgets) an event's token, if it was received at or after `notBefore`. */
  take(eventId: string, notBefore: Date): string | undefined {
    const t = this.tokens.get(eventId);
    if (!t) return undefined;
    this.tokens.delete(eventId);
    return t.at >= notBefore.getTime() ? t.token : undefined;
  }
}
