/**
 * `npm run cli -- db encrypt` and `db rekey` (issue 14): the database, its stored files and its
 * webhook secrets go under `DATABASE_KEY` (encrypt) or from it to `NEW_DATABASE_KEY` (rekey).
 * Run with the server stopped, after a backup. Each file is rewritten through a temporary file
 * and a rename, and a stopped run can be run again: what is done already is recognised.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config/env.ts';
import type { FileStore } from '../store/file-store.ts';
import { openFileStore } from '../store/files/open-file-store.ts';
import { DatabaseKeyError } from '../store/sqlite/cipher.ts';
import { attachmentPaths, encryptDatabase, rekeyDatabase } from '../store/sqlite/rekey.ts';
import { deriveKey } from './keys.ts';
import { isSealed, unseal } from './sealed.ts';

function opens(key: Buffer, bytes: Buffer): boolean {
  try {
    unseal(key, bytes);
    return true;
  } catch {
    return false;
  }
}

/** Re-seals stored files under `to`; sealed ones are opened with whichever of `from` opens them. */
async function resealFiles(files: FileStore, paths: string[], from: Buffer[], to: Buffer): Promise<{ done: number; missing: number }> {
  let done = 0;
  let missing = 0;
  for (const p of paths) {
    const bytes = await files.stored(p);
    if (!bytes) {
      missing++;
      continue;
    }
    let opener: Buffer | undefined;
    if (isSealed(bytes)) {
      // Already under the new key (a run that stopped half-way): nothing to do.
      if (opens(to, bytes)) continue;
      opener = from.find((k) => opens(k, bytes));
      if (!opener) throw new Error(`The stored file ${p} opens with neither key; nothing more was changed.`);
    }
    await files.withKey(opener).reseal(p, to);
    done++;
  }
  return { done, missing };
}

/** The `db` commands; returns the exit code. */
export async function dbKeyCommand(config: Config, file: string, dataDir: string, sub: string | undefined): Promise<number> {
  if (!existsSync(file)) {
    console.error(`No database at ${file} (check DATA_DIR).`);
    return 1;
  }
  // The files wherever the configuration keeps them: the workspace, FILES_DIR or a bucket.
  const files = openFileStore(config, dataDir);
  try {
    if (sub === 'encrypt') {
      if (!config.DATABASE_KEY) {
        console.error('Set DATABASE_KEY first (e.g. `openssl rand -hex 32`, kept in your secrets store): the database is encrypted with it.');
        return 2;
      }
      const r = encryptDatabase(file, config.DATABASE_KEY);
      const filesKey = deriveKey(config.DATABASE_KEY, 'files');
      const f = await resealFiles(files, r.files, [], filesKey);
      console.error(
        `${r.changed ? 'Encrypted' : 'Already encrypted with this key'}: ${r.tickets} tickets kept, ${f.done} stored files and ${r.secrets} webhook secrets encrypted${f.missing ? `, ${f.missing} files missing` : ''}. Keep DATABASE_KEY safe: without it the data cannot be read.`,
      );
      return 0;
    }
    if (sub === 'rekey') {
      if (!config.DATABASE_KEY || !config.NEW_DATABASE_KEY) {
        console.error('Set DATABASE_KEY to the current key and NEW_DATABASE_KEY to the new one (e.g. `openssl rand -hex 32`).');
        return 2;
      }
      if (config.DATABASE_KEY === config.NEW_DATABASE_KEY) {
        console.error('NEW_DATABASE_KEY is the same as DATABASE_KEY: nothing to change.');
        return 2;
      }
      const [oldFiles, newFiles] = [deriveKey(config.DATABASE_KEY, 'files'), deriveKey(config.NEW_DATABASE_KEY, 'files')];
      // Files first, each readable by either key, then the database: a run stopped anywhere can be run again.
      const f = await resealFiles(files, attachmentPaths(file, config.DATABASE_KEY), [oldFiles], newFiles);
      const r = rekeyDatabase(file, config.DATABASE_KEY, config.NEW_DATABASE_KEY);
      console.error(
        `Re-keyed: ${r.tickets} tickets kept, ${f.done} stored files and ${r.secrets} webhook secrets under the new key${f.missing ? `, ${f.missing} files missing` : ''}. Now set DATABASE_KEY to the new key before starting the server.`,
      );
      return 0;
    }
  } catch (err) {
    console.error(err instanceof DatabaseKeyError ? err.message : `Stopped: ${(err as Error).message}`);
    return 1;
  }
  console.error('usage: npm run cli -- db encrypt | db rekey   (server stopped; see README, "Privacy and data protection")');
  return 2;
}
