/**
 * One SQLite connection and the queue its transactions run in, shared by the per-feature data
 * access modules of this folder.
 *
 * better-sqlite3 is synchronous, and an async transaction on one connection would let another
 * request's statements slip into it, so transactions are queued one after another.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Clock } from '../../core/clock.ts';
import type { SyncLevel } from './database.ts';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** How JSON columns are written. */
export const json = (v: unknown) => JSON.stringify(v);

/** The connection, the clock and the ways of running work on them. */
export class SqliteConnection {
  private queue: Promise<unknown> = Promise.resolve();

  readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly sync: { durable: SyncLevel; bookkeeping: SyncLevel };

  constructor(db: Database.Database, clock: Clock, sync: { durable: SyncLevel; bookkeeping: SyncLevel } = { durable: 'FULL', bookkeeping: 'NORMAL' }) {
    this.db = db;
    this.clock = clock;
    this.sync = sync;
  }

  /** The clock's time. */
  date(): Date {
    return this.clock();
  }

  /** The clock's time, as stored. */
  now(): string {
    return this.clock().toISOString();
  }

  /** Runs `work` with the bookkeeping's synchronous level (set between transactions only). */
  private asBookkeeping<T>(work: () => T): T {
    if (this.sync.bookkeeping === this.sync.durable) return work();
    this.db.pragma(`synchronous = ${this.sync.bookkeeping}`);
    try {
      return work();
    } finally {
      this.db.pragma(`synchronous = ${this.sync.durable}`);
    }
  }

  /** Runs `work` in a transaction of its own, after those queued before it. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs a short piece of work in the transaction queue. Statements run outside it would join an
   * async transaction that is open on this connection (and roll back with it, or read its
   * uncommitted rows): a message marked sent, or an event accepted, must not depend on that.
   */
  queued<T>(work: () => T): Promise<T> {
    return this.transaction(async () => work());
  }

  /** {@link queued} for delivery bookkeeping (see `SqliteOptions.bookkeeping`). */
  bookkeeping<T>(work: () => T): Promise<T> {
    const run = async () => this.asBookkeeping(() => this.db.transaction(work).immediate());
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs one short bookkeeping write at once when no transaction is open on the connection (it
   * cannot mix with one then), else in the queue. For what must be written right after a
   * platform call (a row marked sent, a retry key fixed before a push), however many
   * transactions are waiting: the window in which a crash would send a message twice.
   */
  immediate<T>(work: () => T): Promise<T> {
    if (this.db.inTransaction) return this.bookkeeping(work);
    try {
      return Promise.resolve(this.asBookkeeping(() => this.db.transaction(work).immediate()));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Runs `work` in the queue without a transaction around it (VACUUM, a WAL checkpoint). */
  exclusive<T>(work: () => T): Promise<T> {
    const run = async () => work();
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Waits for queued work, then closes the database. */
  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
