/**
 * Quick events handled in their webhook request (InboundQueue.take): a text is answered with
 * nothing stored on the way, before the platform hears it was received; a chat's events keep
 * their order when one of them must be stored (a photo to download); a failure stores the event
 * and it is answered once. Over real HTTP against the fake Messaging API, and on a real store.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InboundQueue } from '../src/channels/inbound-queue.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { InboundRow } from '../src/store/store.ts';
import { lineEvent } from './fakes/fake-line.ts';
import { pngBytes, postLine, queryDb } from './helpers/channel-app.ts';
import { useLineApp } from './helpers/line-app.ts';

const line = useLineApp();
const text = (user: string, t: string) => lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: t, quoteToken: 'q' } });

describe('LINE events handled in their webhook request', () => {
  it('commits the answer to a text before the 200, stores no inbox row, and replies with the event’s own token', async () => {
    const event = text('Uatonce', 'hello');
    const res = await postLine(line.ctx.url, { destination: 'Ubot', events: [event] });
    expect(res.status).toBe(200);
    // At the 200 the answer is committed already, and nothing waits in the inbox.
    expect(queryDb(line.ctx, 'SELECT 1 FROM outbox WHERE recipient = ?', 'Uatonce').length).toBeGreaterThan(0);
    expect(queryDb(line.ctx, 'SELECT 1 FROM inbox')).toEqual([]);
    expect(queryDb(line.ctx, 'SELECT 1 FROM event_reply_tokens')).toEqual([]);
    await line.ctx.idle();
    const calls = line.fake.calls.filter((c) => c.kind === 'reply' || c.kind === 'push');
    expect(calls.map((c) => [c.kind, c.replyToken])).toEqual([['reply', event.replyToken]]);
  });

  it('keeps a chat’s order: a text sent while the chat’s photo is still stored is answered after it', async () => {
    const user = 'Uorder';
    const hello = text(user, 'hello');
    await line.send(hello);
    const id = randomUUID();
    line.fake.content.set(id, { bytes: pngBytes('order'), type: 'image/png' });
    const photo = lineEvent(user, { type: 'message', message: { id, type: 'image', contentProvider: { type: 'line' }, quoteToken: 'q' } });
    const no = text(user, 'no');
    // Two requests, the photo first: it is stored (it has a download), and the text after it
    // must not overtake it by being handled at once.
    await postLine(line.ctx.url, { destination: 'Ubot', events: [photo] });
    await postLine(line.ctx.url, { destination: 'Ubot', events: [no] });
    await line.ctx.idle();
    // Each answer goes with its own event's token, in the order the events were handled.
    const replies = line.fake.calls.filter((c) => c.kind === 'reply');
    expect(replies.map((c) => c.replyToken)).toEqual([hello.replyToken, photo.replyToken, no.replyToken]);
  });
});

describe('InboundQueue.take on a real store', () => {
  // Events whose payload says `hold` wait for this before they are handled.
  let gate: Promise<void> = Promise.resolve();
  const withQueue = async (work: (q: InboundQueue, handled: string[], failOnce: Set<string>) => Promise<void>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-take-'));
    const store = openSqliteStore(path.join(dir, 'db.sqlite'));
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const q = new InboundQueue({ store, log, atOnce: true, retryDelayMs: 10 });
    const handled: string[] = [];
    const failOnce = new Set<string>();
    q.handle(
      'x',
      async (row: InboundRow) => {
        if (failOnce.delete(row.eventId)) throw new Error('not this time');
        if ((row.payload as { hold?: boolean }).hold) await gate;
        handled.push(`${row.eventId}${row.id === 0 ? ' at once' : ' stored'}`);
      },
      (e) => (e.payload as { quick: boolean }).quick,
    );
    await q.start();
    try {
      await work(q, handled, failOnce);
      await q.idle();
    } finally {
      await q.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const ev = (id: string, quick = true, chat = 'c1') => ({ channel: 'x', eventId: id, userKey: chat, payload: { quick } });

  const cases: { name: string; requests: ReturnType<typeof ev>[][]; failOnce?: string[]; handled: string[] }[] = [
    { name: 'quick events are handled at once, in order', requests: [[ev('a'), ev('b')]], handled: ['a at once', 'b at once'] },
    { name: 'from the first slow event of a request on, the rest are stored', requests: [[ev('a'), ev('b', false), ev('c')]], handled: ['a at once', 'b stored', 'c stored'] },
    { name: 'a failure at once stores the event, which is then answered once', requests: [[ev('a'), ev('b')]], failOnce: ['a'], handled: ['a stored', 'b stored'] },
    { name: 'another chat is not held back by a stored one', requests: [[ev('a', false)], [ev('b', true, 'c2')]], handled: ['b at once', 'a stored'] },
  ];
  it('holds back a quick event while an earlier one of its chat is being stored', async () => {
    await withQueue(async (q, handled) => {
      // Not awaited: the second arrives while the first is still on its way into the inbox.
      const storing = q.accept([ev('a', false)]);
      await q.take([ev('b')]);
      await storing;
      await q.idle();
      expect(handled).toEqual(['a stored', 'b stored']);
    });
  });

  it('stores quick events too while a backlog of stored events waits, so that their platform is answered at the next commit, and handles at once again after', async () => {
    let open = () => {};
    gate = new Promise((resolve) => (open = resolve));
    await withQueue(async (q, handled) => {
      // 32 slow events of 32 chats, stored and in hand: a backlog.
      await q.accept(Array.from({ length: 32 }, (_, i) => ({ ...ev(`slow${i}`, false, `busy${i}`), payload: { quick: false, hold: true } })));
      await q.take([ev('new', true, 'someone-else')]);
      open();
      await q.idle();
      await q.take([ev('later', true, 'someone-else')]);
      expect(handled.filter((h) => !h.startsWith('slow'))).toEqual(['new stored', 'later at once']);
    });
    gate = Promise.resolve();
  });

  for (const c of cases) {
    it(c.name, async () => {
      await withQueue(async (q, handled, failOnce) => {
        for (const id of c.failOnce ?? []) failOnce.add(id);
        for (const r of c.requests) await q.take(r);
        await q.idle();
        expect(handled).toEqual(c.handled);
      });
    });
  }
});
