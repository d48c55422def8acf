/**
 * The monitoring report's facts kept up to date in the background (decision 0034).
 *
 * On SQLite the report reads running totals of per-ticket facts, and a ticket whose facts may have
 * changed is marked by triggers (decision 0028). Here the marked tickets are computed again while
 * the bot runs, one short step at a time in the connection's transaction queue (about
 * {@link CatchUpOptions.stepMs} of the thread each), so that a page view rarely finds many: after
 * an upgrade that marks every ticket, or after a long busy spell. The bot goes first: a step waits
 * for its turn in the queue like any other work, and while the bot's work waits in that queue, or
 * the event loop was busy with other things than the catch-up, the next step waits longer and
 * longer (up to {@link CatchUpOptions.maxBackoffMs}: a trickle that still gets there under constant
 * load); when the bot is quiet the steps follow each other, yielding between them.
 *
 * Its timers keep no process alive, and {@link MonitoringCatchUp.stop} waits for one step at most.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/store.ts';

/** Tuning of {@link monitoringCatchUp}; the defaults are those measured in decision 0034. */
export interface CatchUpOptions {
  /** How long one step may hold the thread, in milliseconds. */
  stepMs?: number;
  /** The wait before the first look after start (start-up goes first). */
  startDelayMs?: number;
  /** How often to look for marked tickets while there are none. */
  idleMs?: number;
  /** The first pause while the bot is busy; it doubles while the bot stays busy, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The share of the event loop used by other work than the catch-up (0..1) above which the bot is busy. */
  busyAbove?: number;
  /** Told when every marked ticket has been computed again after a spell of work. */
  onCaughtUp?: (spell: { tickets: number; ms: number }) => void;
  /** Told when a step fails (the catch-up tries again after `idleMs`). */
  onError?: (err: unknown) => void;
}

/** A catch-up that can be started and stopped (with the server). */
export interface MonitoringCatchUp {
  /** Starts looking (nothing happens on a store without marks, such as PostgreSQL). */
  start(): void;
  /** Stops, and resolves once the step in flight, if any, has ended. */
  stop(): Promise<void>;
}

/** The catch-up over `store` (which computes nothing when it has no {@link Store.refreshMonitoring}). */
export function monitoringCatchUp(store: Pick<Store, 'refreshMonitoring'>, opts: CatchUpOptions = {}): MonitoringCatchUp {
  const stepMs = opts.stepMs ?? 5;
  const startDelayMs = opts.startDelayMs ?? 1000;
  const idleMs = opts.idleMs ?? 5000;
  const backoffMs = opts.backoffMs ?? 100;
  const maxBackoffMs = opts.maxBackoffMs ?? 2000;
  const busyAbove = opts.busyAbove ?? 0.3;
  let stopped = true;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  /** A pause that {@link stop} cuts short; its timer keeps no process alive. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  // How busy the event loop was with other work than ours, over windows of at least 100 ms.
  let window = performance.eventLoopUtilization();
  let ownMs = 0;
  let others = 0;
  const othersBusy = (): number => {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, window);
    const span = d.active + d.idle;
    if (span >= 100) {
      others = Math.max(0, d.active - ownMs) / span;
      window = now;
      ownMs = 0;
    }
    return others;
  };

  const run = async (refresh: NonNullable<Store['refreshMonitoring']>) => {
    await sleep(startDelayMs);
    let backoff = backoffMs;
    let spell: { t0: number; tickets: number } | undefined;
    while (!stopped) {
      let step: Awaited<ReturnType<typeof refresh>>;
      try {
        step = await refresh(stepMs);
      } catch (err) {
        if (stopped) return;
        opts.onError?.(err);
        await sleep(idleMs);
        continue;
      }
      ownMs += step.workMs;
      if (stopped) return;
      if (step.computed > 0) {
        spell ??= { t0: performance.now(), tickets: 0 };
        spell.tickets += step.computed;
      }
      if (!step.remaining) {
        if (spell) opts.onCaughtUp?.({ tickets: spell.tickets, ms: Math.round(performance.now() - spell.t0) });
        spell = undefined;
        backoff = backoffMs;
        await sleep(idleMs);
        continue;
      }
      // The bot's work waited behind this step, or this step behind the bot's, or the loop was
      // busy with other things: let the bot have the thread for a while.
      if (step.waiting > 0 || step.waitedMs > 1 || othersBusy() > busyAbove) {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      } else {
        backoff = backoffMs;
        await nextTurn();
      }
    }
  };

  return {
    start() {
      const refresh = store.refreshMonitoring?.bind(store);
      if (!refresh || !stopped) return;
      stopped = false;
      running = run(refresh).finally(() => (running = undefined));
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
