/**
 * Encryption at rest of the SQLite file (issue 14): SQLCipher-compatible pages through
 * better-sqlite3-multiple-ciphers, keyed with `DATABASE_KEY`. The WAL is encrypted with the same
 * key (it holds pages of the same database).
 *
 * A wrong key, or a key for a plaintext file, is told apart from other failures and stops whoever
 * opens the database with a sentence that says what to do; nothing is written before the check.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';

/** The first 16 bytes of every plaintext SQLite file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** The database cannot be opened with the key given (or without one). */
export class DatabaseKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseKeyError';
  }
}

/** Whether the file at `file` is a plaintext SQLite database (false for a missing, empty or encrypted file). */
export function isPlaintextDatabase(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.equals(SQLITE_HEADER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A string as an SQL literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Chooses SQLCipher's format and gives the key (before anything else reads the file). */
export function applyKey(db: Database.Database, key: string): void {
  db.pragma(`cipher = ${literal('sqlcipher')}`);
  db.pragma(`key = ${literal(key)}`);
}

/** Changes the key of an open (keyed, or plaintext: then it encrypts) database. */
export function changeKey(db: Database.Database, key: string): void {
  db.pragma(`cipher = ${literal('sqlcipher')}`);
  db.pragma(`rekey = ${literal(key)}`);
}

/**
 * Keys a freshly opened connection (when there is a key) and checks that the file can be read;
 * throws {@link DatabaseKeyError} with what to do when it cannot.
 */
export function unlock(db: Database.Database, file: string, key: string | undefined): void {
  const plaintext = file !== ':memory:' && isPlaintextDatabase(file);
  if (key && plaintext) {
    throw new DatabaseKeyError(
      `DATABASE_KEY is set but the database at ${file} is not encrypted. Encrypt it once with \`npm run cli -- db encrypt\` (with the server stopped), or unset DATABASE_KEY.`,
    );
  }
  if (key) applyKey(db, key);
  try {
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_NOTADB') throw err;
    throw new DatabaseKeyError(
      key
        ? `DATABASE_KEY does not open the database at ${file}: the key is wrong (or the file is damaged). Nothing was changed. Set the key it was encrypted with; without it the data cannot be read.`
        : `The database at ${file} is encrypted (or not a database): set DATABASE_KEY to the key it was encrypted with.`,
    );
  }
}
