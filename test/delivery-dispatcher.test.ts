/** The outbox dispatcher with a scripted sender over a real store: retries, giving up, order. */
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../src/delivery/backoff.ts';
import { type ChannelSender, DeliveryError } from '../src/delivery/channel-sender.ts';
import { OutboxDispatcher } from '../src/delivery/outbox-dispatcher.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { OutboxMessage, Store } from '../src/store/store.ts';

const silent = { info() {}, warn() {}, error() {} };
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-outbox-'));
  store = openSqliteStore(path.join(dir, 'db.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A sender that fails as scripted, then succeeds; records what it delivered. */
function scriptedSender(failures: (DeliveryError | Error)[]): ChannelSender & { delivered: string[] } {
  const delivered: string[] = [];
  return {
    channel: 'test',
    delivered,
    async send(_recipient: string, rows: OutboxMessage[], done: (id: number) => Promise<void>) {
      for (const row of rows) {
        const failure = failures.shift();
        if (failure) throw failure;
        delivered.push((row.payload as { text: string }).text);
        await done(row.id);
      }
    },
  };
}

async function enqueue(recipient: string, text: string) {
  return store.transaction((tx) => tx.enqueue({ channel: 'test', recipient, kind: 'reply', payload: { text } }));
}

async function status() {
  const rows = await store.dueOutbox('test', new Date(Date.now() + 3_600_000), 100);
  return rows.length;
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('outbox dispatcher', () => {
  it('sends rows as their commit is answered, without waiting for a poll; a danger-path chat first', async () => {
    // Every chat's sender call waits until the test lets it go, so the order they start in shows.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const sender: ChannelSender = {
      channel: 'test',
      async send(recipient, rows, done) {
        started.push(recipient);
        await gate;
        for (const row of rows) await done(row.id);
      },
    };
    // A poll an hour away: only the store's word can start these deliveries.
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, pollMs: 3_600_000, concurrency: 1 });
    d.start();
    await d.idle();
    await enqueue('first', 'hello');
    await until(() => started.length === 1);
    await store.transaction(async (tx) => {
      await tx.enqueue({ channel: 'test', recipient: 'calm', kind: 'reply', payload: { text: 'hello' } });
      await tx.enqueue({ channel: 'test', recipient: 'danger', kind: 'reply', payload: { text: 'call 191' }, urgent: true });
    });
    release();
    await until(() => started.length === 3);
    expect(started).toEqual(['first', 'danger', 'calm']);
    await until(async () => (await status()) === 0);
    await d.stop();
  });

  it('retries transient failures with backoff, in order, and marks sent', async () => {
    const sender = scriptedSender([new DeliveryError('test: 503', 'transient'), new DeliveryError('test: 429', 'transient', 50)]);
    await enqueue('a', 'one');
    await enqueue('a', 'two');
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 }, pollMs: 10 });
    d.start();
    await until(() => sender.delivered.length === 2);
    await d.stop();
    expect(sender.delivered).toEqual(['one', 'two']);
    expect(await status()).toBe(0);
  });

  it('gives up after the bound: marks failed and writes an audit row; later messages still go', async () => {
    const sender = scriptedSender([new DeliveryError('test: 400', 'permanent')]);
    await enqueue('b', 'refused');
    await enqueue('b', 'next');
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, pollMs: 10 });
    d.start();
    await until(() => sender.delivered.length === 1);
    await d.stop();
    expect(sender.delivered).toEqual(['next']);
    const db = new Database(path.join(dir, 'db.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT status, last_error FROM outbox ORDER BY id').all()).toEqual([
        { status: 'failed', last_error: 'test: 400' },
        { status: 'sent', last_error: null },
      ]);
      const audit = db.prepare(`SELECT actor, action, detail FROM audit WHERE action = 'outbox.failed'`).all() as { actor: string; detail: string }[];
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor).toBe('system');
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({ channel: 'test', failure: 'permanent', error: 'test: 400' });
      // The audit never carries the message itself.
      expect(audit[0]!.detail).not.toContain('refused');
    } finally {
      db.close();
    }
  });

  it('gives up on transient failures after maxAttempts', async () => {
    const failures = Array.from({ length: 10 }, () => new DeliveryError('test: 500', 'transient'));
    const sender = scriptedSender(failures);
    await enqueue('c', 'doomed');
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }, pollMs: 5 });
    d.start();
    await until(() => failures.length === 7);
    await new Promise((r) => setTimeout(r, 50));
    await d.stop();
    // Three attempts, then failed: no fourth.
    expect(failures.length).toBe(7);
    expect(await status()).toBe(0);
    expect(sender.delivered).toEqual([]);
  });

  it('holds back later messages of a chat while an earlier one waits, but not other chats', async () => {
    const sender = scriptedSender([new DeliveryError('test: 503', 'transient', 300)]);
    await enqueue('d', 'first');
    await enqueue('d', 'second');
    await enqueue('e', 'other chat');
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, pollMs: 10, concurrency: 1 });
    d.start();
    await until(() => sender.delivered.includes('other chat'));
    expect(sender.delivered).not.toContain('second');
    await until(() => sender.delivered.length === 3);
    await d.stop();
    expect(sender.delivered.filter((t) => t !== 'other chat')).toEqual(['first', 'second']);
  });

  it('waits at least what the platform asks, and doubles otherwise', () => {
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, undefined, () => 0.5)).toBe(1000);
    expect(retryDelay(3, DEFAULT_RETRY_POLICY, undefined, () => 0.5)).toBe(4000);
    expect(retryDelay(30, DEFAULT_RETRY_POLICY, undefined, () => 0.5)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('outbox dispatcher during an outage', () => {
  /** A sender whose platform is down until `up` is set: sends and probes fail like a network error. */
  function flakySender() {
    const state = { up: false, sends: 0, probes: 0, delivered: [] as string[] };
    const sender: ChannelSender = {
      channel: 'test',
      async send(_recipient, rows, done) {
        for (const row of rows) {
          state.sends += 1;
          if (!state.up) throw new DeliveryError('test: network error', 'transient');
          state.delivered.push((row.payload as { text: string }).text);
          await done(row.id);
        }
      },
      async probe() {
        state.probes += 1;
        if (!state.up) throw new Error('down');
      },
    };
    return { state, sender };
  }

  it('spends no attempts while the platform is down, probes it instead, and sends everything once it is back', async () => {
    const { state, sender } = flakySender();
    for (const chat of ['a', 'b', 'c']) for (const n of [1, 2]) await enqueue(chat, `${chat}${n}`);
    const d = new OutboxDispatcher({ store, senders: [sender], clock: () => new Date(), log: silent, retry: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 12 }, pollMs: 10, probeMaxMs: 40 });
    d.start();
    await until(() => state.probes >= 5);
    // Down: the rows wait on the probes, not on their own retries.
    const sendsWhileDown = state.sends;
    await until(() => state.probes >= 10);
    expect(state.sends).toBe(sendsWhileDown);
    expect(sendsWhileDown).toBeLessThanOrEqual(3);

    state.up = true;
    await until(() => state.delivered.length === 6);
    await d.stop();
    for (const chat of ['a', 'b', 'c']) expect(state.delivered.filter((t) => t.startsWith(chat))).toEqual([`${chat}1`, `${chat}2`]);
    const db = new Database(path.join(dir, 'db.sqlite'), { readonly: true });
    try {
      // Nothing came near being given up.
      expect((db.prepare(`SELECT MAX(attempts) AS n FROM outbox`).get() as { n: number }).n).toBeLessThanOrEqual(3);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
