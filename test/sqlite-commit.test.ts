/**
 * The SQLite connection's group commit with the WAL synced in the thread pool (decision 0026):
 * every write is answered, in every order of arrival (a write that follows another's answer at
 * once, writes that share one piece of work, failures beside successes), and what was answered is
 * in the file when it is opened again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-commit-'));
  file = path.join(dir, 'db.sqlite');
  store = openSqliteStore(file);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const within = <T>(ms: number, p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

const accept = (n: number, chat = 'c') => store.addInbound([{ channel: 'line', eventId: `e${n}`, userKey: chat, payload: { n } }]);

describe('group commit with the WAL synced off the main thread', () => {
  it('answers a chain of writes, each written the moment the one before it was answered', async () => {
    // A caller that writes again as soon as it is answered queues its write while the sync of the
    // one before is being finished: that write must start a sync of its own, not wait for none.
    await within(
      20_000,
      (async () => {
        for (let n = 0; n < 400; n++) {
          const [row] = await accept(n);
          await store.deleteInbound(row!.id);
        }
      })(),
      'chain of writes',
    );
    expect(await store.pendingInbound()).toEqual([]);
  });

  it('answers a write that a listener makes while the commit it was told of is being answered', async () => {
    // The dispatcher does this: told of an outbox row as its commit is answered, it asks for the
    // chat's rows at once, and that query must be answered too.
    const asked: Promise<unknown>[] = [];
    store.onOutboxWritten?.((channel, recipient) => asked.push(store.dueOutboxOf(channel, recipient, new Date(), 10)));
    await within(
      20_000,
      (async () => {
        for (let n = 0; n < 100; n++) {
          await store.transaction((tx) => tx.enqueue({ channel: 'line', recipient: `r${n}`, kind: 'reply', payload: { text: `${n}` } }));
          await Promise.all(asked);
        }
      })(),
      'listener writes',
    );
    expect(asked).toHaveLength(100);
  });

  it('answers many writers at once, sharing syncs, each with its own result', async () => {
    const rows = await within(20_000, Promise.all(Array.from({ length: 300 }, (_, n) => accept(n, `chat-${n % 17}`))), 'parallel writes');
    expect(rows.map((r) => r[0]?.eventId)).toEqual(Array.from({ length: 300 }, (_, n) => `e${n}`));
    // The same event again is skipped (de-duplicated in the same piece of work or a later one).
    expect(await within(5_000, Promise.all([accept(1), accept(2)]), 'repeats')).toEqual([[], []]);
  });

  it('fails one transaction alone and answers the others of its group', async () => {
    const results = await within(
      10_000,
      Promise.allSettled([
        store.transaction(async (tx) => tx.claimEvent('line', 'kept-1')),
        store.transaction(async () => {
          throw new Error('this one fails');
        }),
        store.transaction(async (tx) => tx.claimEvent('line', 'kept-2')),
      ]),
      'mixed group',
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.transaction(async (tx) => [await tx.claimEvent('line', 'kept-1'), await tx.claimEvent('line', 'kept-2')])).toEqual([false, false]);
  });

  it('has every answered write in the file, read by another connection while this one is open', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, n) => accept(n)));
    const other = new Database(file, { readonly: true });
    try {
      expect((other.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n).toBe(50);
    } finally {
      other.close();
    }
  });
});
