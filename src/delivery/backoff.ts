/** When to try a failed delivery again. */

/** The retry policy of the outbox dispatcher. */
export interface RetryPolicy {
  /** The first wait, in milliseconds; each later one doubles. */
  baseDelayMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** Attempts after which a message is given up (failed, and audited). */
  maxAttempts: number;
}

/** About 30 minutes of trying in all: long enough to ride out an outage, short enough to still matter. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 12 };

/**
 * The wait before the next attempt, after `attempts` failed ones. A platform's own Retry-After wins
 * when it asks for longer. A little jitter keeps many chats from retrying in the same instant.
 */
export function retryDelay(attempts: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
