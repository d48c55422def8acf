/**
 * `db encrypt` and `db rekey` on the SQLite file (issue 14), run with the server stopped.
 *
 * SQLite3 Multiple Ciphers changes a database's key in place with `PRAGMA rekey` (a plaintext file
 * is encrypted by it); it needs the rollback journal rather than WAL while it rewrites the pages,
 * so the WAL is checkpointed into the file first and WAL mode is restored after. The webhook
 * secrets are sealed (again) under the key derived from the new one in the same run.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { deriveKey } from '../../privacy/keys.ts';
import { isSealedText, sealText, unsealText } from '../../privacy/sealed.ts';
import { changeKey, isPlaintextDatabase, unlock } from './cipher.ts';

/** What an encrypt or rekey run did. */
export interface RekeyResult {
  tickets: number;
  /** The stored files' relative paths (the caller re-seals them). */
  files: string[];
  /** Webhook secrets sealed under the new key. */
  secrets: number;
  /** False when the database was encrypted with this key already (a run that stopped half-way is finished). */
  changed: boolean;
}

function ticketCount(db: Database.Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
}

/** Seals every webhook secret under `to`; `from` opens the ones sealed before (by either key). */
function resealSecrets(db: Database.Database, from: Buffer[], to: Buffer): number {
  const rows = db.prepare('SELECT agency, webhook_secret FROM agency_alerts WHERE webhook_secret IS NOT NULL').all() as { agency: string; webhook_secret: string }[];
  const update = db.prepare('UPDATE agency_alerts SET webhook_secret = ? WHERE agency = ?');
  db.transaction(() => {
    for (const r of rows) {
      const plain = isSealedText(r.webhook_secret) ? openWithAny(from, r.webhook_secret) : r.webhook_secret;
      update.run(sealText(to, plain), r.agency);
    }
  })();
  return rows.length;
}

function openWithAny(keys: Buffer[], value: string): string {
  for (const k of keys) {
    try {
      return unsealText(k, value);
    } catch {
      // sealed under the other key
    }
  }
  throw new Error('A webhook secret in the database is sealed under neither key; set it again with `npm run cli -- alerts set`.');
}

/** Rewrites the pages under `key` with the WAL folded in, then goes back to WAL mode. */
function rewrite(db: Database.Database, key: string): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  changeKey(db, key);
  db.pragma('journal_mode = WAL');
}

/** Reopens with `key` and counts the tickets: the proof that the run kept them. */
function verify(file: string, key: string): number {
  const db = new Database(file, { fileMustExist: true });
  try {
    unlock(db, file, key);
    return ticketCount(db);
  } finally {
    db.close();
  }
}

/** The stored files' relative paths, read with `key`. */
export function attachmentPaths(file: string, key: string): string[] {
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    unlock(db, file, key);
    return (db.prepare('SELECT path FROM attachments').all() as { path: string }[]).map((r) => r.path);
  } finally {
    db.close();
  }
}

/** Encrypts a plaintext database with `key` (or, if it is encrypted with `key` already, finishes sealing its secrets). */
export function encryptDatabase(file: string, key: string): RekeyResult {
  const plaintext = isPlaintextDatabase(file);
  const db = new Database(file, { fileMustExist: true });
  let before: number;
  let files: string[];
  let secrets: number;
  try {
    unlock(db, file, plaintext ? undefined : key);
    before = ticketCount(db);
    if (plaintext) rewrite(db, key);
    const secretsKey = deriveKey(key, 'secrets');
    secrets = resealSecrets(db, [secretsKey], secretsKey);
    files = (db.prepare('SELECT path FROM attachments').all() as { path: string }[]).map((r) => r.path);
  } finally {
    db.close();
  }
  const after = verify(file, key);
  if (after !== before) throw new Error(`The encrypted database holds ${after} tickets, not ${before}: restore the backup you took before.`);
  return { tickets: after, files, secrets, changed: plaintext };
}

/** Changes the key of a database encrypted with `oldKey` to `newKey`. */
export function rekeyDatabase(file: string, oldKey: string, newKey: string): RekeyResult {
  const db = new Database(file, { fileMustExist: true });
  let before: number;
  let files: string[];
  let secrets: number;
  try {
    unlock(db, file, oldKey);
    before = ticketCount(db);
    const [oldSecrets, newSecrets] = [deriveKey(oldKey, 'secrets'), deriveKey(newKey, 'secrets')];
    secrets = resealSecrets(db, [oldSecrets, newSecrets], newSecrets);
    files = (db.prepare('SELECT path FROM attachments').all() as { path: string }[]).map((r) => r.path);
    rewrite(db, newKey);
  } finally {
    db.close();
  }
  const after = verify(file, newKey);
  if (after !== before) throw new Error(`The re-keyed database holds ${after} tickets, not ${before}: restore the backup you took before.`);
  return { tickets: after, files, secrets, changed: true };
}
