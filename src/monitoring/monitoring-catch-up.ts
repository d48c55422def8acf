/**
 * The monitoring report's facts kept up to date in the background (decision 0034).
 *
 * The report reads running totals of per-ticket facts, and a ticket whose facts may have changed
 * is marked by triggers (decision 0028). Here the marked tickets are computed again while
 * the bot runs, one short step at a time (on SQLite in the connection's transaction queue, about
 * {@link CatchUpOptions.stepMs} of the thread each; on PostgreSQL on the server, where each
 * instance runs a catch-up and their steps take turns), so that a page view rarely finds many: after
 * an upgrade that marks every ticket, or after a long busy spell. The bot goes first: a step waits
 * for its turn in the queue like any other work, and while the bot's work waits in that queue, or
 * other work (requests) ran in the turn of the event loop given away between two steps, the next
 * step waits longer and longer (up to {@link CatchUpOptions.maxBackoffMs}: a trickle that still gets there under constant
 * load); when the bot is quiet the steps follow each other, yielding between them.
 *
 * Its timers keep no process alive, and {@link MonitoringCatchUp.stop} waits for one step at most.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/store.ts';

/** Tuning of {@link monitoringCatchUp}; the defaults are those measured in decision 0034. */
export interface CatchUpOptions {
  /** How long one step may hold the thread, in milliseconds, while the bot is active... */
  stepMs?: number;
  /** ...and how long, at most, after quiet steps (longer steps cost less per ticket: each has its commit). */
  quietStepMs?: number;
  /** The wait before the first look after start (start-up goes first). */
  startDelayMs?: number;
  /** How often to look for marked tickets while there are none. */
  idleMs?: number;
  /**
   * The pause after a step while the bot is active (`activeJobs` pieces of its work came through
   * the queue within half a second; a turn given away that other work held counts as two): about
   * a tenth of the thread for the catch-up.
   */
  activePauseMs?: number;
  /** Pieces of other work through the queue within half a second that make the bot active. */
  activeJobs?: number;
  /** The first pause while the bot is busy; it doubles while the bot stays busy, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A turn of the event loop given away between steps that took longer than this (other work ran in it) means the bot is active. */
  busyGapMs?: number;
  /** Told when every marked ticket has been computed again after a spell of work. */
  onCaughtUp?: (spell: { tickets: number; ms: number }) => void;
  /** Told when a step left tickets out of the figures because their rows could not be read. */
  onUnreadable?: (tickets: number) => void;
  /** Told when a step fails (the catch-up tries again after `idleMs`). */
  onError?: (err: unknown) => void;
}

/** A catch-up that can be started and stopped (with the server). */
export interface MonitoringCatchUp {
  /** Starts looking (nothing happens on a store without marks). */
  start(): void;
  /** Stops, and resolves once the step in flight, if any, has ended. */
  stop(): Promise<void>;
}

/** The catch-up over `store` (which computes nothing when it has no {@link Store.refreshMonitoring}). */
export function monitoringCatchUp(store: Pick<Store, 'refreshMonitoring'>, opts: CatchUpOptions = {}): MonitoringCatchUp {
  const stepMs = opts.stepMs ?? 8;
  const quietStepMs = opts.quietStepMs ?? 24;
  const startDelayMs = opts.startDelayMs ?? 1000;
  const idleMs = opts.idleMs ?? 5000;
  const activePauseMs = opts.activePauseMs ?? 80;
  const activeJobs = opts.activeJobs ?? 6;
  const backoffMs = opts.backoffMs ?? 200;
  const maxBackoffMs = opts.maxBackoffMs ?? 2000;
  const busyGapMs = opts.busyGapMs ?? 5;
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

  const run = async (refresh: NonNullable<Store['refreshMonitoring']>) => {
    await sleep(startDelayMs);
    let backoff = backoffMs;
    let size = stepMs;
    // The bot's activity: pieces of its work through the queue (and turns it held), over windows of
    // half a second. A poll or a lease renewed now and then is not activity; a few events are.
    let activity = 0;
    let windowStart = performance.now();
    let active = false;
    let spell: { t0: number; tickets: number } | undefined;
    /** Pauses while the bot is busy, longer each time up to the longest (then a step per pause: a trickle under constant load). */
    const backOff = async () => {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    };
    while (!stopped) {
      // What else ran in the turn given away: requests being read, answers written.
      const t0 = performance.now();
      await nextTurn();
      if (stopped) return;
      if (performance.now() - t0 > busyGapMs) activity += 2;
      if (stopped) return;
      let step: Awaited<ReturnType<typeof refresh>>;
      try {
        step = await refresh(size);
      } catch (err) {
        if (stopped) return;
        opts.onError?.(err);
        await sleep(idleMs);
        continue;
      }
      if (stopped) return;
      if (step.unreadable) opts.onUnreadable?.(step.unreadable);
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
      // The bot's work waited behind this step, or this step behind the bot's: the bot is busy,
      // and the pauses grow. The bot was active lately: a short pause, so that the catch-up takes
      // a small share of the thread (it still gets there, and the acks hardly notice). Neither:
      // the next step at the next turn.
      if (step.waiting > 0 || step.waitedMs > 1) {
        size = stepMs;
        await backOff();
        continue;
      }
      activity += step.others;
      const now = performance.now();
      if (activity >= activeJobs || now - windowStart >= 500) {
        active = activity >= activeJobs;
        activity = 0;
        windowStart = now;
      }
      backoff = backoffMs;
      if (active) {
        size = stepMs;
        await sleep(activePauseMs);
      } else {
        size = Math.min(size * 2, quietStepMs);
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
