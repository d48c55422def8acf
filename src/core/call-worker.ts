/**
 * Methods served in a worker thread, called from the main thread as if they were local.
 *
 * For work that costs the main thread CPU but needs nothing of its state: a platform SDK's HTTP
 * calls (fetch, its headers, streams and buffers were a fifth of the main thread's time under a
 * burst). The caller keeps everything that decides (deadlines, retries, what was delivered); the
 * worker only makes the call and says how it went. What crosses is structured-cloned: plain data
 * in, plain data out, and an error as {@link PlainError}, which the caller's `revive` turns back
 * into the error type its code checks for.
 */
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import { moduleWorker } from './module-worker.ts';

/** An error as it crosses the thread boundary: what callers look at, never a payload. */
export interface PlainError {
  name: string;
  message: string;
  /** The `code` of the error's cause (ECONNREFUSED, UND_ERR_SOCKET), for the log line. */
  causeCode?: string;
  /** HTTP errors of an SDK: the status and headers (Retry-After), and the body the platform sent. */
  status?: number;
  headers?: [string, string][];
  body?: string;
  /** Bot API errors: their code, description and parameters (retry_after). */
  errorCode?: number;
  description?: string;
  parameters?: Record<string, unknown>;
}

type Request = { id: number; method: string; args: unknown[] };
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: PlainError };

/** The methods a worker serves. */
export type Served = Record<string, (...args: never[]) => Promise<unknown>>;

/** Makes an error plain, or leaves it (undefined) to the next that knows its type. */
export type Plain = (err: unknown) => PlainError | undefined;

/**
 * A worker's end: answers each call with the method's result, or its error made plain by the first
 * of `plains` that knows it. Answers that are ready in the same turn of the worker's event loop go
 * back in one message.
 */
export function serveCalls(methods: Served, plains: Plain[] = []): void {
  const plain = (err: unknown): PlainError => {
    for (const p of plains) {
      const made = p(err);
      if (made) return made;
    }
    return plainBasics(err);
  };
  const port = parentPort;
  if (!port) throw new Error('serveCalls runs in a worker thread');
  let ready: Answer[] = [];
  const answer = (a: Answer) => {
    if (ready.push(a) > 1) return;
    setImmediate(() => {
      const batch = ready;
      ready = [];
      port.postMessage(batch);
    });
  };
  port.on('message', (batch: Request[]) => {
    for (const req of batch) {
      const method = methods[req.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
      const work = method ? method(...req.args) : Promise.reject(new Error(`no method ${req.method} in this worker`));
      work.then(
        (value) => answer({ id: req.id, ok: true, value }),
        (err: unknown) => answer({ id: req.id, ok: false, error: plain(err) }),
      );
    }
  });
}

/** What a worker is started with (its `workerData`). */
export function startData<T>(): T {
  return workerData as T;
}

/** The name, message and cause code of any error, the part every {@link PlainError} has. */
export function plainBasics(err: unknown): PlainError {
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.cause?.code === 'string' ? { causeCode: e.cause.code } : {}),
  };
}

/** An Error with the name, message and cause code of a {@link PlainError}. */
export function reviveBasics(p: PlainError): Error {
  const err = new Error(p.message, p.causeCode ? { cause: { code: p.causeCode } } : undefined);
  err.name = p.name;
  return err;
}

/**
 * The worker's heap. Its garbage is short-lived (requests and answers), but with 8 MB of young
 * generation V8 collected it every 80 ms under load and promoted the calls in flight, so the old
 * generation filled and was marked and compacted about once a second, each time a stall of the
 * thread's calls. 32 MB: at 1,000 events/s the ack p99 was lower in 6 of 7 alternating pairs of
 * runs (for example 111 against 542 ms, 151 against 218), and the RSS once the bot is quiet again
 * the same (213 and 214 MB); 21 MB more at the peak. 64 MB was far worse on this machine.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 64 };

/**
 * A worker with no call in flight for this long is stopped; the next call starts another. The
 * platform call worker holds about 30 MB (its own V8 heap and the young generation of
 * {@link WORKER_LIMITS}) that a quiet bot does not need; half a minute, as the checkpoint worker
 * and the memory release (decision 0029) wait. The first call after it waits for a start.
 */
export const CALL_WORKER_IDLE_MS = 30_000;

/**
 * The calling end: one worker, started at the first call (or {@link warm}), started again if it
 * dies, and stopped after `idleMs` without a call in flight. The first call of a turn of the event
 * loop goes at once, and the calls after it in that turn go together at its end: a message costs
 * the sending thread 10-18 µs whatever it holds (measured on the 2-core machine), a call in a
 * batch of four about 5 µs.
 */
export class CallWorker {
  private worker: Worker | undefined;
  private next = 1;
  private outgoing: Request[] = [];
  private batching = false;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; revive: (p: PlainError) => Error }>();
  private readonly script: URL;
  private readonly data: unknown;
  private readonly idleMs: number;
  private idle: NodeJS.Timeout | undefined;

  /** `script` is the worker's module (it calls {@link serveCalls}); `data` its {@link startData}. */
  constructor(script: URL, data: unknown, opts: { idleMs?: number } = {}) {
    this.script = script;
    this.data = data;
    this.idleMs = opts.idleMs ?? CALL_WORKER_IDLE_MS;
  }

  /** Whether a worker thread is running now (started and not stopped or dead). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker now, so that the first call does not wait for its start (a few hundred ms). */
  warm(): void {
    const worker = this.started();
    // Started without a call: it is stopped too if none comes.
    if (this.waiting.size === 0) this.quiet(worker);
  }

  /** Calls `method` in the worker; settles as the method did there, an error given back by `revive`. */
  call(method: string, args: unknown[], revive: (p: PlainError) => Error = reviveBasics): Promise<unknown> {
    const worker = this.started();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      // While a call waits, the worker keeps the process up; idle, it does not.
      if (this.waiting.size === 0) {
        worker.ref();
        clearTimeout(this.idle);
      }
      this.waiting.set(id, { resolve, reject, revive });
      const req = { id, method, args };
      if (this.batching) {
        this.outgoing.push(req);
        return;
      }
      // The first call of a turn of the event loop goes at once; those after it in the same turn
      // go together at its end.
      worker.postMessage([req]);
      this.batching = true;
      setImmediate(() => {
        this.batching = false;
        const batch = this.outgoing;
        this.outgoing = [];
        // Calls for a worker that died meanwhile were failed and dropped with it (failAll); these
        // came after, for the worker started since.
        if (batch.length > 0) this.worker?.postMessage(batch);
      });
    });
  }

  /** Stops the worker; calls still waiting fail. The next call starts it again. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new Error('call worker closed'));
  }

  /** No call in flight: the worker is stopped after `idleMs` unless a call comes first. */
  private quiet(worker: Worker): void {
    worker.unref();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      // Nothing is in flight (a call clears this timer), so nothing can fail here; a worker that
      // died meanwhile has been replaced or dropped already.
      if (this.worker !== worker) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs).unref();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = moduleWorker(this.script, { workerData: this.data, resourceLimits: WORKER_LIMITS });
    worker.unref();
    worker.on('message', (answers: Answer[]) => {
      for (const a of answers) {
        const w = this.waiting.get(a.id);
        if (!w) continue;
        this.waiting.delete(a.id);
        if (a.ok) w.resolve(a.value);
        else w.reject(w.revive(a.error));
      }
      if (this.waiting.size === 0) this.quiet(worker);
    });
    // A worker that died fails what it held (as a network error would); the next call starts another.
    const gone = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(err);
    };
    worker.on('error', (err) => gone(reviveBasics(plainBasics(err))));
    worker.on('exit', (code) => gone(new Error(`call worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    this.outgoing = [];
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(err);
  }
}
