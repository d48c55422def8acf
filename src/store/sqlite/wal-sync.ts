/**
 * The SQLite connection's own sync of its WAL (docs/decisions/0026 and 0042).
 *
 * SQLite writes each commit to the WAL (synchronous=NORMAL); one `fdatasync` of the WAL in Node's
 * thread pool then makes every commit before it durable, while the next groups go on. Nothing is
 * answered before its sync, so no one acts on a write a power cut could take back, and a read is
 * answered only once every write it could have seen is on disk. Answers that wait together share
 * one sync, one sync at a time, in commit order.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';

/** Told once what was committed before it is on disk, or with the error that says it may not be. */
export type SyncAnswer = (err?: Error) => void;

/** Syncs one WAL file for the groups of one connection. */
export class WalSync {
  private readonly file: string;
  private fd: number | undefined;
  /** Answers of committed groups, waiting for the next sync. */
  private unsynced: SyncAnswer[] = [];
  private syncing: Promise<void> = Promise.resolve();
  private running = false;
  /** Commits that wrote, and how many of them the last sync that succeeded made durable. */
  private writes = 0;
  private syncedWrites = 0;

  constructor(file: string) {
    this.file = file;
  }

  /**
   * Runs `answer` once the group just committed, and every one before it, is on disk. A group that
   * wrote nothing (a read, a poll) waits only for the writes before it: when all of them are on
   * disk already, it is answered at once. Under a trickle of events each one's delivery read its
   * rows in a group of its own, and that group's sync was a third of the syncs (60 µs of CPU each
   * on the 2-core machine).
   */
  afterCommit(wrote: boolean, answer: SyncAnswer): void {
    if (wrote) this.writes += 1;
    else if (this.syncedWrites === this.writes) {
      answer();
      return;
    }
    this.unsynced.push(answer);
    if (this.running) return;
    this.running = true;
    this.syncing = this.sync();
  }

  /** True while a sync runs or answers wait for one. */
  get busy(): boolean {
    return this.running;
  }

  /** Resolves once the syncs running now are done. */
  settled(): Promise<void> {
    return this.syncing;
  }

  /** Closes the file (after {@link settled}). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Syncs the WAL until no answer waits; a failed sync fails the answers it was for. */
  private async sync(): Promise<void> {
    try {
      while (this.unsynced.length > 0) {
        const answers = this.unsynced;
        this.unsynced = [];
        const covers = this.writes;
        let failure: Error | undefined;
        try {
          this.fd ??= openSync(this.file, 'r+');
          const fd = this.fd;
          await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
          this.syncedWrites = covers;
        } catch (err) {
          // The data may not be on disk: say so rather than answer as if it were.
          failure = new Error(`could not sync the database to disk: ${(err as Error).message}`);
        }
        for (const answer of answers) answer(failure);
      }
    } finally {
      // In the same turn as the last look at the queue: an answer queued after it starts a new
      // sync (a `.finally` on the promise would run a turn later and leave that answer waiting).
      this.running = false;
    }
  }
}
