/**
 * WAL checkpoints in a worker thread (decision 0036): what the bot commits reaches the database
 * file itself while it runs, without the JavaScript thread copying it there, encrypted or not.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { applyKey } from '../src/store/sqlite/cipher.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

const KEY = 'k'.repeat(40);
let dir: string;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** The sessions found in the database file alone, as a copy without its WAL would show them (-1: not even the table). */
function sessionsInFileAlone(file: string, key?: string): number {
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    if (key) applyKey(db, key);
    return (db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
  } catch {
    return -1;
  } finally {
    db.close();
    rmSync(copy);
  }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not within time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each([
  ['a plaintext database', undefined],
  ['an encrypted database', KEY],
])('checkpoints of %s', (_name, key) => {
  it('copy committed rows into the database file while the store runs, and stop with it', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tangrod-ckpt-'));
    const file = path.join(dir, 'db.sqlite');
    store = openSqliteStore(file, undefined, key ? { key } : {});
    const users = 64;
    for (let i = 0; i < users; i++) {
      await store.transaction((tx) => tx.saveSession({ id: `line:U${i}`, channel: 'line', userId: `U${i}`, state: { step: 'start', answers: { note: 'x'.repeat(2000) } } as never }));
    }
    // Far below the main connection's own checkpoint (10,000 pages): only the worker copies them.
    await until(() => sessionsInFileAlone(file, key) === users);
    await store.close();
    store = undefined;
    expect(sessionsInFileAlone(file, key)).toBe(users);
  });

  it('are waited for by catchUp: once it resolves, what was committed before is in the file', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tangrod-ckpt-'));
    const file = path.join(dir, 'db.sqlite');
    store = openSqliteStore(file, undefined, key ? { key } : {});
    // Fewer commits than the worker is asked after (16): only catchUp asks it.
    for (let i = 0; i < 3; i++) {
      await store.transaction((tx) => tx.saveSession({ id: `line:U${i}`, channel: 'line', userId: `U${i}`, state: { step: 'start', answers: {} } as never }));
      await store.catchUp();
      expect(sessionsInFileAlone(file, key)).toBe(i + 1);
    }
  });
});
