/** The LINE sender's choice between the reply token and push, with a controllable clock. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HTTPFetchError } from '@line/bot-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineSender } from '../src/channels/line/line-sender.ts';
import { DeliveryError } from '../src/delivery/channel-sender.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { OutboxMessage, Store } from '../src/store/store.ts';

let dir: string;
let store: Store;
let now: number;
const clock = () => new Date(now);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-line-sender-'));
  now = Date.parse('2030-01-01T00:00:00Z');
  store = openSqliteStore(path.join(dir, 'db.sqlite'), clock);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function recordingClient(replyError?: Error, pushError?: Error) {
  const calls: { kind: string; count: number }[] = [];
  return {
    calls,
    client: {
      async replyMessage(req: { messages: unknown[] }) {
        calls.push({ kind: 'reply', count: req.messages.length });
        if (replyError) throw replyError;
        return { sentMessages: [] };
      },
      async pushMessage(req: { messages: unknown[] }) {
        calls.push({ kind: 'push', count: req.messages.length });
        if (pushError) throw pushError;
        return { sentMessages: [] };
      },
    },
  };
}

const rows = (n: number): OutboxMessage[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, channel: 'line', recipient: 'U1', kind: 'reply', payload: { text: `m${i}` }, attempts: 0, replyTo: 'ev1' }));
/** One turn's row of `n` short answers to event ev1. */
const turn = (n: number): OutboxMessage => ({
  id: 1,
  channel: 'line',
  recipient: 'U1',
  kind: 'replies',
  payload: { replies: Array.from({ length: n }, (_, i) => ({ text: `answer ${i}` })) },
  attempts: 0,
  replyTo: 'ev1',
});
const httpError = (status: number) => new HTTPFetchError(`${status}`, { status, statusText: '', headers: new Headers({ 'retry-after': '7' }), body: '' });

describe('LINE sender', () => {
  it('replies with a fresh token, then pushes what does not fit in one call', async () => {
    const { calls, client } = recordingClient();
    await store.saveReplyToken('line', 'U1', 'ev1', 'tok');
    const done: number[] = [];
    await new LineSender({ client: client as never, store, clock, moreLabel: async () => 'More' }).send('U1', rows(7), async (id) => void done.push(id));
    expect(calls).toEqual([{ kind: 'reply', count: 5 }, { kind: 'push', count: 2 }]);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("sends a turn of seven answers in one reply, with no push (pushes count against LINE's monthly quota)", async () => {
    const { calls, client } = recordingClient();
    await store.saveReplyToken('line', 'U1', 'ev1', 'tok');
    const done: number[] = [];
    await new LineSender({ client: client as never, store, clock, moreLabel: async () => 'More' }).send('U1', [turn(7)], async (id) => void done.push(id));
    expect(calls).toEqual([{ kind: 'reply', count: 5 }]);
    expect(done).toEqual([1]);
  });

  it('keeps the shaping of a turn whose first part went out before an upgrade: only the rest is pushed', async () => {
    const { calls, client } = recordingClient();
    await new LineSender({ client: client as never, store, clock, moreLabel: async () => 'More' }).send('U1', [{ ...turn(7), partsSent: 1, retryKey: randomUUID() }], async () => undefined);
    expect(calls).toEqual([{ kind: 'push', count: 2 }]);
  });

  it('pushes when the token is older than 50 seconds', async () => {
    const { calls, client } = recordingClient();
    await store.saveReplyToken('line', 'U1', 'ev1', 'tok');
    now += 51_000;
    await new LineSender({ client: client as never, store, clock, moreLabel: async () => 'More' }).send('U1', rows(1), async () => undefined);
    expect(calls).toEqual([{ kind: 'push', count: 1 }]);
  });

  it('maps a 429 to a transient failure with Retry-After, and a 400 push to a permanent one', async () => {
    const limited = recordingClient(undefined, httpError(429));
    const err = await new LineSender({ client: limited.client as never, store, clock, moreLabel: async () => '' }).send('U1', rows(1), async () => undefined).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ failure: 'transient', retryAfterMs: 7000 });

    const refused = recordingClient(undefined, httpError(400));
    const err2 = await new LineSender({ client: refused.client as never, store, clock, moreLabel: async () => '' }).send('U1', rows(1), async () => undefined).catch((e) => e);
    expect(err2).toMatchObject({ failure: 'permanent' });
  });

  it('treats a 409 on push (same retry key already accepted) as delivered', async () => {
    const { client } = recordingClient(undefined, httpError(409));
    const done: number[] = [];
    await new LineSender({ client: client as never, store, clock, moreLabel: async () => '' }).send('U1', rows(1), async (id) => void done.push(id));
    expect(done).toEqual([1]);
  });
});
