/**
 * A store for @fastify/rate-limit that counts in the database (issue 16): with several instances
 * behind a load balancer, a limit holds across all of them, not per instance. Used when
 * DATABASE_URL is set; one instance on SQLite keeps the plugin's own in-memory counts.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from './core/clock.ts';
import type { Store } from './store/store.ts';

/** The store class the plugin is given (it constructs one itself). */
export function sharedRateLimits(store: Store, clock: Clock): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      count(key, callback, timeWindow, true);
    }
    /** The count without a request (the login form checks before it counts a failure). */
    read(key: string, callback: Callback, timeWindow: number): void {
      count(key, callback, timeWindow, false);
    }
    // Our limits name their keys themselves (sim-address:..., login-address:...): one store serves every route.
    child(): FastifyRateLimitStore {
      return this;
    }
  };
  function count(key: string, callback: Callback, timeWindow: number, increment: boolean): void {
    const now = clock();
    store.hitRateLimit(key, timeWindow, now, { increment }).then(
      (hit) => callback(null, { current: hit.count, ttl: Math.max(0, Date.parse(hit.resetAt) - now.getTime()) }),
      (err: Error) => callback(err),
    );
  }
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
