/**
 * Opening the SQLite file: its mode, its pragmas and its numbered migrations.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { NET_PAGES } from './checkpointer.ts';
import { unlock } from './cipher.ts';
import { limitPageCache } from './page-cache.ts';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** A `synchronous` level of SQLite. */
export type SyncLevel = 'FULL' | 'NORMAL';

/** Options of `openSqliteStore`. */
export interface SqliteOptions {
  /**
   * FULL (the default): nothing is answered before the WAL holding it is synced, so an event the
   * platform was told we received, a conversation's answer, a staff action, a message marked sent
   * survive a power cut, not only a crash. Commits are grouped (see `SqliteConnection`), so the cost
   * is one sync per group, and the sync runs in Node's thread pool rather than holding the one
   * JavaScript thread (docs/decisions/0026). NORMAL is there for the bench to compare.
   */
  synchronous?: SyncLevel;
  /** `DATABASE_KEY`: the file (and its WAL) is encrypted with it, and webhook secrets under a key derived from it. */
  key?: string;
}

/** An open database, and the WAL file its connection must sync before answering (FULL on a file). */
export interface OpenDatabase {
  db: Database.Database;
  walFile?: string;
}

/** Opens (creating when needed) the database at `file` and applies pending migrations. */
export function openDatabase(file: string, opts: SqliteOptions = {}): OpenDatabase {
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
  // FULL on a file: SQLite writes each commit to the WAL without syncing it (NORMAL), and the
  // connection syncs the WAL itself, off the JavaScript thread, before it answers anyone. The
  // migrations below run at FULL, as nothing else is going on yet.
  const selfSync = (opts.synchronous ?? 'FULL') === 'FULL' && file !== ':memory:';
  db.pragma('synchronous = FULL');
  // Deleted rows (an erased chat) are overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A group commit runs each piece of work in a savepoint, and SQLite keeps the pages a savepoint
  // changes, to roll back to it, in a sub-journal: past 64 KiB a temporary file, two writes per
  // page (a third of the main thread's writes under a burst). In memory it is a few MB at most,
  // freed at each commit.
  db.pragma('temp_store = MEMORY');
  limitPageCache(db);
  migrate(db);
  if (!selfSync) {
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    return { db };
  }
  db.pragma('synchronous = NORMAL');
  // Checkpoints are a worker thread's (checkpointer.ts); this connection's own is the net.
  db.pragma(`wal_autocheckpoint = ${NET_PAGES}`);
  return { db, walFile: `${file}-wal` };
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
