/**
 * `npm run cli -- backup <file>`: an online copy of the database, safe while the server runs.
 *
 * SQLite's backup API (through better-sqlite3) copies page by page from a consistent snapshot, so
 * a write in the meantime is either in the copy or not, never half in; copying the file with `cp`
 * while the server writes could give a torn copy, and would miss what is still in the -wal file.
 * The copy holds what people told the hotline: it is written with mode 0600 and never over an
 * existing file. Stored photos and documents are files under DATA_DIR/files, copied separately
 * (docs/operations.md). With DATABASE_KEY the copy is encrypted with the same key (VACUUM INTO
 * keeps the cipher; SQLite's backup API refuses a plaintext target for an encrypted source).
 */
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyKey } from '../store/sqlite/cipher.ts';

/** What a backup holds, to print and check. */
export interface BackupSummary {
  file: string;
  tickets: number;
  schemaVersion: number;
  integrity: string;
}

/** Copies the database at `source` to a new file `target`, then checks the copy. */
export async function backupDatabase(source: string, target: string, key?: string): Promise<BackupSummary> {
  if (!existsSync(source)) throw new Error(`No database at ${source} (check DATA_DIR).`);
  // 'wx': fails when the file exists; 0600: only the service's user may read the copy.
  closeSync(openSync(target, 'wx', 0o600));
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    if (key) {
      applyKey(db, key);
      db.prepare('VACUUM INTO ?').run(target);
    } else await db.backup(target);
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  } finally {
    db.close();
  }
  return summarize(target, key);
}

/** Reads a backup's ticket count and schema version, and runs SQLite's integrity check on it. */
export function summarize(file: string, key?: string): BackupSummary {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (key) applyKey(copy, key);
    return {
      file,
      tickets: (copy.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n,
      schemaVersion: copy.pragma('user_version', { simple: true }) as number,
      integrity: String(copy.pragma('integrity_check', { simple: true })),
    };
  } finally {
    copy.close();
  }
}
