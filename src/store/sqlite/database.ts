/**
 * Opening the SQLite file: its mode, its pragmas and its numbered migrations.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { unlock } from './cipher.ts';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** A `synchronous` level of SQLite. */
export type SyncLevel = 'FULL' | 'NORMAL';

/** Options of `openSqliteStore`. */
export interface SqliteOptions {
  /**
   * FULL (the default) syncs the WAL at every commit: an event the platform was told we received,
   * a conversation's answer, a staff action survive a power cut, not only a crash.
   */
  synchronous?: SyncLevel;
  /**
   * The delivery bookkeeping that follows (an event handled, a message marked sent, a reply
   * token): NORMAL by default. Losing its last commits to a power cut (never to a crash) means
   * an event handled again (de-duplicated) or a message sent again, which at-least-once delivery
   * allows; syncing it would cost several disk flushes per message. The bench measures both.
   */
  bookkeeping?: SyncLevel;
  /** `DATABASE_KEY`: the file (and its WAL) is encrypted with it, and webhook secrets under a key derived from it. */
  key?: string;
}

/** Opens (creating when needed) the database at `file` and applies pending migrations. */
export function openDatabase(file: string, opts: SqliteOptions = {}): { db: Database.Database; sync: { durable: SyncLevel; bookkeeping: SyncLevel } } {
  if (file !== ':memory:') {
    // Owner-only: the database holds what people in danger wrote. The folder (and the file, before
    // SQLite opens it; its -wal and -shm files take the same mode) are created that way.
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const db = new Database(file);
  // Before anything else reads the file: a wrong key stops here, having changed nothing (issue 14).
  unlock(db, file, opts.key);
  db.pragma('journal_mode = WAL');
  const synchronous = opts.synchronous ?? 'FULL';
  db.pragma(`synchronous = ${synchronous}`);
  // Deleted rows (an erased chat) are overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return { db, sync: { durable: synchronous, bookkeeping: opts.bookkeeping ?? 'NORMAL' } };
}

/** Applies `NNN-name.sql` files above the database's `user_version`, each in its own transaction. */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-.+\.sql$/.test(f))
    .sort();
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(new URL(f, MIGRATIONS_DIR), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
