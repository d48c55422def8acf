/**
 * WAL checkpoints off the JavaScript thread (decision 0036).
 *
 * SQLite checkpoints when a commit finds the WAL past `wal_autocheckpoint` pages: that commit then
 * copies the WAL's pages into the database file and syncs it, on the thread that answers every
 * webhook. Under a burst that was a third of the time spent in COMMIT, in stalls of milliseconds.
 * Here a worker thread with its own connection checkpoints every {@link EVERY} commits, at most
 * every {@link MIN_GAP_MS} (PASSIVE: it never waits for the writer, and the writer never waits for
 * it), and the main connection's own checkpoint is kept only as a net, at a WAL ten times the
 * default size.
 */
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../../core/module-worker.ts';

/** What the checkpoint worker opens. */
export interface CheckpointData {
  file: string;
  key?: string;
}

/** Commits that wrote, between two checkpoint requests: about the default 1,000 WAL pages under a burst. */
const EVERY = 16;

/**
 * And at least this long between two requests. Events that come one at a time make small commits
 * (about 20 pages each, most of them the same last leaves again), and 16 of them came every 10-16
 * ms at 1,000 events a second: the worker copied the same pages 60-100 times a second, 31-34 µs of
 * CPU an event. With 100 ms between requests it was 14 µs; the WAL holds at most a tenth of a second's
 * commits more (about 10 MB under a burst, against the net of {@link NET_PAGES}).
 */
const MIN_GAP_MS = 100;

/** A worker without a request for this long is stopped; the next request starts another. */
const IDLE_MS = 30_000;

/** The main connection's own checkpoint, if the worker cannot keep up: 10,000 pages (40 MB). */
export const NET_PAGES = 10_000;

/**
 * Asks a worker thread for a checkpoint every {@link EVERY} commits, at most every
 * {@link MIN_GAP_MS}; the worker starts at the first request and stops after {@link IDLE_MS}
 * without one.
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private commits = 0;
  private closed = false;
  private readonly data: CheckpointData;

  constructor(data: CheckpointData) {
    this.data = data;
  }

  /** Told of each commit of the main connection. */
  committed(): void {
    if (this.closed || this.held > 0 || ++this.commits < EVERY) return;
    const now = performance.now();
    if (now - this.lastAsked < MIN_GAP_MS) return;
    this.ask();
  }

  /**
   * Asks for a checkpoint now and resolves when it is done (or could not be done): for work that
   * writes far more than a burst, the retention purge's slices, so that it goes no faster than its
   * pages are copied. Otherwise the WAL outgrew {@link NET_PAGES} and commits on the main thread
   * checkpointed themselves, 70-100 ms each (decision 0044). At once while held or closed.
   */
  catchUp(): Promise<void> {
    if (this.closed || this.held > 0) return Promise.resolve();
    const id = this.nextWait++;
    const worker = this.ask(id);
    return new Promise<void>((resolve) => this.waiting.set(id, { worker, resolve }));
  }

  /** catchUp's requests, by the number the worker sends back once it has done them. */
  private nextWait = 1;
  private readonly waiting = new Map<number, { worker: Worker; resolve: () => void }>();

  /** Posts a request (numbered for catchUp, whose answer it waits for); returns the worker asked. */
  private ask(id?: number): Worker {
    this.commits = 0;
    this.lastAsked = performance.now();
    const worker = this.started();
    worker.postMessage(id ?? 'checkpoint');
    // A quiet bot does not keep the thread (and its memory): it stops after IDLE_MS without a request.
    if (this.idle) this.idle.refresh();
    else this.idle = setTimeout(() => void this.stop(), IDLE_MS).unref();
    return worker;
  }

  /**
   * Stops the worker and starts none until {@link release}: for a checkpoint of the main
   * connection that must not fail, as the privacy scrub's TRUNCATE, which SQLite refuses at once
   * (no busy wait) while another connection checkpoints.
   */
  async hold(): Promise<void> {
    this.held++;
    await this.stop();
  }

  /** Ends a {@link hold}. */
  release(): void {
    this.held = Math.max(0, this.held - 1);
  }

  private held = 0;
  private lastAsked = Number.NEGATIVE_INFINITY;

  /** Closes the worker's connection (the main connection's close then checkpoints what is left). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private idle: NodeJS.Timeout | undefined;

  private async stop(): Promise<void> {
    clearTimeout(this.idle);
    this.idle = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Until it has closed its connection, the process waits for it (it is unref'd while it runs).
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = moduleWorker(new URL('./checkpoint-worker.ts', import.meta.url), {
      workerData: this.data,
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
    });
    // It must never keep the process up, nor take it down: a failed worker is dropped, and the
    // main connection's own checkpoint (at NET_PAGES) takes over until the next request starts one.
    worker.unref();
    const gone = () => {
      if (this.worker === worker) this.worker = undefined;
      // Its requests will not be answered: no one waits for them.
      for (const [id, w] of this.waiting) if (w.worker === worker) (this.waiting.delete(id), w.resolve());
    };
    worker.on('message', (id: unknown) => {
      const w = typeof id === 'number' ? this.waiting.get(id) : undefined;
      if (w) (this.waiting.delete(id as number), w.resolve());
    });
    worker.on('error', gone);
    worker.on('exit', gone);
    this.worker = worker;
    return worker;
  }
}
