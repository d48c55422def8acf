/**
 * One SQLite connection and the queue its transactions run in, shared by the per-feature data
 * access modules of this folder.
 *
 * better-sqlite3 is synchronous, and an async transaction on one connection would let another
 * request's statements slip into it, so transactions are queued one after another, and those
 * that wait together are committed together (group commit).
 */
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Clock } from '../../core/clock.ts';
import type { Checkpointer } from './checkpointer.ts';
import { WalSync } from './wal-sync.ts';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** How JSON columns are written. */
export const json = (v: unknown) => JSON.stringify(v);

/**
 * `LIMIT n` with `n` written into the SQL. A bound `LIMIT ?` is read by SQLite's planner, so the
 * statement is compiled again every time it runs (its parameters are bound anew each time): 8-10 µs
 * more per run, measured. The statement cache keeps one statement per limit, and callers use few.
 */
export const limit = (n: number): string => `LIMIT ${Math.max(0, Math.trunc(n))}`;

/** A piece of work waiting for the next group commit. */
interface Job {
  work: () => unknown;
  /** Runs alone, outside any transaction. */
  bare?: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Told once the work's changes are committed (see {@link SqliteConnection.afterCommit}). */
  after?: (() => void)[];
}

/**
 * The most pieces of work one commit takes, and the longest it keeps taking more. A group holds
 * the JavaScript thread while it runs, and a webhook waiting to be answered waits for it: 10 ms
 * rather than 25 cut the ack p99 of a 1,000 events/s burst by a fifth, at a few more commits.
 */
const GROUP_MAX_JOBS = 256;
const GROUP_MAX_MS = 10;

/**
 * Work that comes alone within {@link COMPANY_WINDOW_MS} of the last group's start waits this long
 * for company before its group begins: at that pace others' work is likely on its way. At 1,000
 * LINE events a second, evenly spaced, each event had groups of its own (1.6 an event: its turn,
 * its delivery's read, its row marked sent), and so its own pages of every index in the WAL, its
 * own sync and its own wake-ups of threads. Waiting 2 ms cut the CPU per event by a fifth and
 * lowered the ack p99 (docs/decisions/0043-a-moment-for-company.md).
 */
const COMPANY_WAIT_MS = 2;
const COMPANY_WINDOW_MS = 3;
/** How long waiting stops after three waits in a row found no company. */
const COMPANY_PAUSE_MS = 100;

/**
 * The connection, the clock and the ways of running work on them.
 *
 * Group commit: work queued while a commit is being prepared joins it. Each piece runs in a
 * savepoint of its own (one that fails is rolled back alone, as its own transaction would have
 * been), and all of them are committed together, with the durability the database was opened with
 * (synchronous=FULL: one sync of the WAL for the whole group). A caller is answered only after the
 * commit, so "committed" means on disk, whatever else was in the group. When nothing else waits,
 * a group is one piece of work, and nothing waits for company. See docs/decisions/0022-group-commit.md.
 */
export class SqliteConnection {
  private readonly jobs: Job[] = [];
  private draining = false;
  private lastGroupSize = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  /** The piece of work running in the open group, if any. */
  private current: Job | undefined;

  readonly db: Database.Database;
  private readonly clock: Clock;

  /** The sync of the WAL this connection makes itself before answering; absent when SQLite syncs (or nobody does). */
  private readonly wal: WalSync | undefined;

  /** Checkpoints the WAL in a worker thread (decision 0036); absent without a WAL of ours. */
  private readonly checkpointer: Checkpointer | undefined;
  /** The connection's `total_changes()` at the last commit that wrote. */
  private changesSeen = 0;

  constructor(db: Database.Database, clock: Clock, walFile?: string, checkpointer?: Checkpointer) {
    this.db = db;
    this.clock = clock;
    this.wal = walFile ? new WalSync(walFile) : undefined;
    this.checkpointer = checkpointer;
  }

  /** The clock's time. */
  date(): Date {
    return this.clock();
  }

  /** The clock's time, as stored. */
  now(): string {
    // Asked for several times per event, mostly within the same millisecond.
    const t = this.clock().getTime();
    if (t !== this.lastNow.t) this.lastNow = { t, iso: new Date(t).toISOString() };
    return this.lastNow.iso;
  }
  private lastNow = { t: Number.NaN, iso: '' };

  /**
   * A prepared statement for `sql`, compiled once and kept (compiling took a sixth of the CPU of
   * the webhook path). SQL built with a varying number of parameters is kept too, within a bound.
   */
  prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 1000) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Calls `fn` once the work now running is committed, and never if it rolls back (outbox rows
   * are told to the dispatcher this way, so that it sends them without looking for them).
   * Outside any work, `fn` runs at once.
   */
  afterCommit(fn: () => void): void {
    if (this.current) (this.current.after ??= []).push(fn);
    else fn();
  }

  /** Runs `work` in a transaction of its own (a savepoint of a group commit), after those queued before it. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueue(work, false);
  }

  /**
   * Runs a short piece of work in the transaction queue. Statements run outside it would join an
   * async transaction that is open on this connection (and roll back with it, or read its
   * uncommitted rows): a message marked sent, or an event accepted, must not depend on that.
   */
  queued<T>(work: () => T): Promise<T> {
    return this.enqueue(work, false);
  }

  /** {@link queued} for delivery bookkeeping: the same queue and the same durability since group commit. */
  bookkeeping<T>(work: () => T): Promise<T> {
    return this.enqueue(work, false);
  }

  /**
   * A short bookkeeping write that must not wait behind other work (a row marked sent, a retry
   * key fixed before a push: the window in which a crash would send a message twice): it goes
   * first into the next group.
   */
  immediate<T>(work: () => T): Promise<T> {
    return this.enqueue(work, true);
  }

  private enqueue<T>(work: () => T | Promise<T>, first: boolean, bare = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { work, resolve: resolve as (value: unknown) => void, reject, ...(bare ? { bare } : {}) };
      this.enqueuedCount += 1;
      if (first) this.jobs.unshift(job);
      else this.jobs.push(job);
      if (this.draining) return;
      this.draining = true;
      this.running = this.drain();
    });
  }

  /**
   * How many pieces of work wait in the queue now: background work (the monitoring catch-up,
   * decision 0034) backs off while the bot's work waits.
   */
  get waiting(): number {
    return this.jobs.length;
  }

  /** How many pieces of work have entered the queue since the connection opened (to tell whether the bot was active meanwhile). */
  get enqueued(): number {
    return this.enqueuedCount;
  }
  private enqueuedCount = 0;

  /** True when the last group took several jobs: work is flowing, and more is likely on its way. */
  private busy(): boolean {
    return this.lastGroupSize > 1;
  }

  /**
   * Before a group of one piece of work that came within {@link COMPANY_WINDOW_MS} of the last
   * group's start: a moment's wait for others' work to join it. A caller that writes step by step,
   * each after the answer to the last (a sweep), has no company to wait for: three waits in a row
   * that found none stop the waiting for {@link COMPANY_PAUSE_MS}.
   */
  private async waitForCompany(): Promise<void> {
    const now = performance.now();
    if (this.jobs.length !== 1 || now - this.lastGroupAt >= COMPANY_WINDOW_MS || now < this.companyPausedUntil) return;
    await new Promise<void>((resolve) => setTimeout(resolve, COMPANY_WAIT_MS));
    if (this.jobs.length > 1) this.companyMisses = 0;
    else if (++this.companyMisses >= 3) (this.companyMisses = 0), (this.companyPausedUntil = performance.now() + COMPANY_PAUSE_MS);
  }
  private lastGroupAt = Number.NEGATIVE_INFINITY;
  private companyMisses = 0;
  private companyPausedUntil = 0;

  /** Commits groups until nothing waits. */
  private async drain(): Promise<void> {
    try {
      await this.waitForCompany();
      while (this.jobs.length > 0) {
        await this.group();
        // Let the answers of that group run on to their next step, and requests that arrived
        // during its sync be read, before the next group starts: they join it rather than each
        // waiting for a sync of its own (with synchronous=FULL a sync costs milliseconds).
        if (this.jobs.length > 0 || this.busy()) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      // In the same turn as the last check: a job queued after it starts a new drain.
      this.draining = false;
    }
  }

  /** One group commit: BEGIN, each waiting job in its savepoint, COMMIT, then the answers. */
  private async group(): Promise<void> {
    const { db } = this;
    if (this.jobs[0]?.bare) {
      // Work that must run outside any transaction (VACUUM, a WAL checkpoint): alone.
      const job = this.jobs.shift()!;
      try {
        job.resolve(await job.work());
      } catch (err) {
        job.reject(err);
      }
      return;
    }
    const done: { job: Job; ok: boolean; value: unknown }[] = [];
    const started = performance.now();
    this.lastGroupAt = started;
    try {
      this.prepare('BEGIN IMMEDIATE').run();
    } catch (err) {
      for (const job of this.jobs.splice(0)) job.reject(err);
      return;
    }
    while (this.jobs.length > 0 && !this.jobs[0]!.bare && done.length < GROUP_MAX_JOBS && (done.length === 0 || performance.now() - started < GROUP_MAX_MS)) {
      const job = this.jobs.shift()!;
      // Prepared once (as the statements below): exec would compile it again for every job.
      this.prepare('SAVEPOINT job').run();
      this.current = job;
      try {
        const value = await job.work();
        this.prepare('RELEASE job').run();
        done.push({ job, ok: true, value });
      } catch (err) {
        if (db.inTransaction) {
          db.exec('ROLLBACK TO job');
          db.exec('RELEASE job');
        }
        done.push({ job, ok: false, value: err });
      } finally {
        this.current = undefined;
      }
      if (!db.inTransaction) {
        // SQLite rolled the whole transaction back (a full disk, say): nothing of the group holds.
        for (const d of done) if (d.ok) Object.assign(d, { ok: false, value: new Error('rolled back with its group commit') });
        break;
      }
    }
    try {
      if (db.inTransaction) this.prepare('COMMIT').run();
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const d of done) d.job.reject(d.ok ? err : d.value);
      return;
    }
    this.lastGroupSize = done.length;
    // Only a commit that wrote counts (reads and polls go through the queue too).
    let wrote = true;
    if (this.checkpointer || this.wal) {
      const changes = this.prepare('SELECT total_changes() AS n').get() as { n: number };
      wrote = changes.n !== this.changesSeen;
      if (wrote) (this.changesSeen = changes.n), this.checkpointer?.committed();
    }
    this.whenSynced(wrote, (syncErr) => {
      for (const d of done) {
        if (syncErr) {
          d.job.reject(syncErr);
          continue;
        }
        // A listener's mistake must not cost the work its answer.
        if (d.ok && d.job.after) for (const fn of d.job.after) try { fn(); } catch { /* told nowhere: the poll finds the rows */ }
        (d.ok ? d.job.resolve : d.job.reject)(d.value);
      }
    });
  }

  /** Runs `answer` once what is committed now is on disk ({@link WalSync}); without a WAL to sync, at once. */
  private whenSynced(wrote: boolean, answer: (err?: Error) => void): void {
    if (this.wal) this.wal.afterCommit(wrote, answer);
    else answer();
  }

  /**
   * One piece of work for many callers: the items given while it waits in the queue are run
   * together by `run` (which returns one result per item, in order, or nothing for writes), in one savepoint, and each
   * caller is answered after the commit. For small writes that come one per event (a row marked
   * sent, an event deleted once handled), where a piece of work each cost more than the write.
   * `first` puts the work first in the next group, as {@link immediate} does.
   */
  coalesce<I, R = void>(run: (items: I[]) => R[] | undefined, opts: { first?: boolean } = {}): (item: I) => Promise<R> {
    type Waiting = { item: I; resolve: (r: R) => void; reject: (err: unknown) => void };
    let waiting: Waiting[] = [];
    return (item) =>
      new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // The work already queued will take this item too.
        if (waiting.length > 1) return;
        let taken: Waiting[] | undefined;
        this.enqueue(() => {
          taken = waiting;
          waiting = [];
          return run(taken.map((w) => w.item));
        }, opts.first ?? false).then(
          (results) => {
            for (const [i, w] of taken!.entries()) w.resolve(results?.[i] as R);
          },
          (err) => {
            // Rejected before it ran (the group could not begin): the items are still waiting.
            if (!taken) (taken = waiting), (waiting = []);
            for (const w of taken) w.reject(err);
          },
        );
      });
  }

  /** Runs `work` with no checkpoint of another connection running meanwhile (see {@link Checkpointer.hold}). */
  async withCheckpointsHeld<T>(work: () => Promise<T>): Promise<T> {
    await this.checkpointer?.hold();
    try {
      return await work();
    } finally {
      this.checkpointer?.release();
    }
  }

  /** Resolves once the WAL's committed pages have been copied as far as they can be now (see {@link Checkpointer.catchUp}). */
  catchUp(): Promise<void> {
    return this.checkpointer?.catchUp() ?? Promise.resolve();
  }

  /** Runs `work` in the queue without a transaction around it (VACUUM, a WAL checkpoint). */
  exclusive<T>(work: () => T): Promise<T> {
    return this.enqueue(work, false, true);
  }

  /** Waits for queued work, then closes the database. */
  async close(): Promise<void> {
    while (this.draining || this.wal?.busy) await Promise.all([this.running, this.wal?.settled()]);
    await this.checkpointer?.close();
    this.db.close();
    this.wal?.close();
  }
}
