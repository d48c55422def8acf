/**
 * Pauses a feature after repeated failures (issue 13 item 7): a model that is down or confused
 * should not make every person wait for a timeout. After the pause one call is tried again.
 */
import type { Clock } from '../core/clock.ts';

/** What the admin page shows of a feature's breaker. */
export interface BreakerState {
  failures: number;
  pausedUntil: Date | undefined;
}

/** Counts consecutive failures; `open` while paused. */
export class CircuitBreaker {
  private failures = 0;
  private pausedUntil: Date | undefined;
  private readonly limit: number;
  private readonly pauseMs: number;
  private readonly clock: Clock;

  constructor(limit: number, pauseMs: number, clock: Clock) {
    this.limit = limit;
    this.pauseMs = pauseMs;
    this.clock = clock;
  }

  /** True while the feature is paused. */
  get open(): boolean {
    return this.pausedUntil !== undefined && this.clock() < this.pausedUntil;
  }

  /** A success closes the breaker. */
  succeeded(): void {
    this.failures = 0;
    this.pausedUntil = undefined;
  }

  /** A failure; returns true when this one paused the feature. */
  failed(): boolean {
    this.failures += 1;
    if (this.failures < this.limit) return false;
    this.pausedUntil = new Date(this.clock().getTime() + this.pauseMs);
    // One more try after the pause; a failure then pauses again at once.
    this.failures = this.limit - 1;
    return true;
  }

  get state(): BreakerState {
    return { failures: this.failures, pausedUntil: this.open ? this.pausedUntil : undefined };
  }
}
