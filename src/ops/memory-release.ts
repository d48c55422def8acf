/**
 * Gives back to the system the memory a burst of traffic leaves behind, once the burst is over
 * (issue 12, item 4; decision 0029).
 *
 * Under a burst V8 grows its young generation to its largest size (128 MB of semi-spaces on a 64-bit
 * Node 24) and lets short-lived garbage pile up in the old generation; ordinary collections then free
 * the objects but keep the pages, pooled for the next burst, so the process stays at its peak size
 * (about 265 MB after 10,000 new conversations, of which the conversations hold 2 MB). Only a
 * collection made to reduce memory (V8's "last resort" flavour, the one it runs when the system is
 * short of memory) shrinks the young generation and hands the pooled pages back (to about 125 MB).
 *
 * So this looks once a second, off the request path, at how busy the event loop was and how big the
 * heap is; when the heap has grown by more than {@link MemoryReleaseOptions.growthBytes} since the
 * last release and the event loop has been quiet over the last {@link MemoryReleaseOptions.quietChecks}
 * checks (half a minute, on average and at the last one), it runs that collection once (0.1–0.3 s while nobody is
 * waiting). It never runs during a burst, so it costs nothing per event; at most once per
 * {@link MemoryReleaseOptions.minGapMs}. The heap size only counts what V8 itself committed: memory
 * of SQLite or Node outside the heap is not affected.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collector as its `gc` extension exposes it; the options select a memory-reducing collection. */
type CollectGarbage = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** What one release did, for the log. */
export interface MemoryReleased {
  heapBeforeMb: number;
  heapAfterMb: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  ms: number;
}

/** Tuning of {@link startMemoryRelease}; the defaults are the ones measured in decision 0029. */
export interface MemoryReleaseOptions {
  /** How often to look. */
  checkMs?: number;
  /** Heap growth (committed bytes) since the last release that makes a release worth its pause. */
  growthBytes?: number;
  /**
   * Event-loop utilisation (0..1) under which the last check, and the mean of the window, count as
   * quiet. 5%: a burst of two seconds or more inside the half minute holds the release back.
   */
  quietBelow?: number;
  /**
   * The window of checks that must be quiet (on average) before releasing. Half a minute: a release costs the next burst its
   * warmed-up heap (the young generation grows back from 1 MB, scavenge by scavenge; measured as
   * about 0.3 ms more CPU per event over a 4-second burst that came 4 s after a release), so it waits
   * until the wave is over rather than for a lull inside it.
   */
  quietChecks?: number;
  /** The least time between two releases. */
  minGapMs?: number;
  /** Told after each release. */
  onRelease?: (released: MemoryReleased) => void;
  /** Replaces V8's collector (tests). */
  collect?: () => void;
  /** Replaces the heap's committed size (tests). */
  heapBytes?: () => number;
  /** Replaces how busy the event loop was since the previous call, 0..1 (tests). */
  busy?: () => number;
  /** Replaces the clock (tests). */
  now?: () => number;
}

/** A running {@link startMemoryRelease}. */
export interface MemoryRelease {
  /** One check, as the timer runs it; returns whether it released. */
  check(): boolean;
  /** Stops looking. */
  stop(): void;
}

const MB = 1024 * 1024;

/**
 * V8's collector without `--expose-gc` on the command line (`npm start`, the container and the
 * systemd unit run plain `node src/main.mjs`): the flag is turned on just long enough for a new,
 * empty context to get the `gc` function, then off again, so no script of ours ever sees a global
 * `gc` (the way jest's leak detector does it).
 */
function v8Collector(): CollectGarbage {
  const existing = (globalThis as { gc?: CollectGarbage }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as CollectGarbage;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** How busy the event loop was since the previous call (0..1). */
function loopBusy(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

/** Starts looking for a burst that is over (a timer that keeps no process alive). */
export function startMemoryRelease(opts: MemoryReleaseOptions = {}): MemoryRelease {
  const checkMs = opts.checkMs ?? 1000;
  const growthBytes = opts.growthBytes ?? 16 * MB;
  const quietBelow = opts.quietBelow ?? 0.05;
  const quietChecks = opts.quietChecks ?? 30;
  const minGapMs = opts.minGapMs ?? 60_000;
  const heapBytes = opts.heapBytes ?? (() => getHeapStatistics().total_heap_size);
  const busy = opts.busy ?? loopBusy();
  const now = opts.now ?? (() => performance.now());
  let collector = opts.collect;
  // 0: the garbage of start-up itself (compiling, reading the definitions) is released at the
  // first quiet moment too.
  let heapAfterRelease = 0;
  let lastRelease = Number.NEGATIVE_INFINITY;
  // The loop's utilisation at the last `quietChecks` looks: quiet when their mean and the last one
  // are under `quietBelow`. A mean rather than every look, so that a periodic task (a poll, a
  // checkpoint) of a few hundred milliseconds on a loaded machine does not keep the memory forever,
  // while any burst of a few seconds inside the window still does.
  let recent: number[] = [];

  const check = (): boolean => {
    const b = busy();
    recent.push(b);
    if (recent.length > quietChecks) recent.shift();
    const mean = recent.reduce((sum, x) => sum + x, 0) / recent.length;
    if (recent.length < quietChecks || b >= quietBelow || mean >= quietBelow || now() - lastRelease < minGapMs) return false;
    const heapBefore = heapBytes();
    if (heapBefore - heapAfterRelease < growthBytes) return false;
    const rssBefore = process.memoryUsage.rss();
    const t0 = performance.now();
    collector ??= (() => {
      const gc = v8Collector();
      return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    })();
    collector();
    const ms = performance.now() - t0;
    heapAfterRelease = heapBytes();
    lastRelease = now();
    recent = [];
    opts.onRelease?.({
      heapBeforeMb: Math.round(heapBefore / MB),
      heapAfterMb: Math.round(heapAfterRelease / MB),
      rssBeforeMb: Math.round(rssBefore / MB),
      rssAfterMb: Math.round(process.memoryUsage.rss() / MB),
      ms: Math.round(ms),
    });
    return true;
  };
  const timer = setInterval(check, checkMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
