/**
 * A turn's answers are one outbox row (`replies`): what each platform gets from it, and what a
 * retry sends after the platform took part of it. Over HTTP to the fakes, with a real store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSender } from '../src/channels/line/line-sender.ts';
import { lineWorkerClient } from '../src/channels/line/line-worker-client.ts';
import { joinReplies } from '../src/channels/telegram/telegram-messages.ts';
import { TelegramSender } from '../src/channels/telegram/telegram-sender.ts';
import { telegramWorkerClient } from '../src/channels/telegram/telegram-worker-client.ts';
import type { PlatformWorkerData } from '../src/channels/platform-call-worker.ts';
import type { Reply } from '../src/conversation/reply.ts';
import { CallWorker } from '../src/core/call-worker.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { startFakeLine } from './fakes/fake-line.ts';
import { startFakeTelegram } from './fakes/fake-telegram.ts';
import { TELEGRAM_TOKEN } from './helpers/channel-app.ts';

const buttons = { choices: [{ id: 'yes', label: 'Yes' }] };
const text = (t: string, more: Partial<Reply> = {}): Reply => ({ text: t, ...more });

const joinCases: { name: string; replies: Reply[]; messages: { text: string; buttons: boolean }[] }[] = [
  { name: 'three texts and a question: one message, buttons under it', replies: [text('a'), text('b'), text('c'), text('q?', buttons)], messages: [{ text: 'a\n\nb\n\nc\n\nq?', buttons: true }] },
  { name: 'buttons end a message: what follows starts the next', replies: [text('q?', buttons), text('b')], messages: [{ text: 'q?', buttons: true }, { text: 'b', buttons: false }] },
  { name: 'Zawgyi and Unicode replies are not mixed', replies: [text('a', { script: 'zawgyi' }), text('b')], messages: [{ text: 'a', buttons: false }, { text: 'b', buttons: false }] },
  { name: 'together past 4,096 characters: split where they would not fit', replies: [text('x'.repeat(3000)), text('y'.repeat(1000)), text('z'.repeat(1000))], messages: [{ text: `${'x'.repeat(3000)}\n\n${'y'.repeat(1000)}`, buttons: false }, { text: 'z'.repeat(1000), buttons: false }] },
];

describe('Telegram: the messages of a turn row', () => {
  for (const c of joinCases) {
    it(c.name, () => {
      expect(joinReplies(c.replies).map((r) => ({ text: r.text, buttons: Boolean(r.choices?.length) }))).toEqual(c.messages);
    });
  }
});

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

function platformWorker(data: PlatformWorkerData): CallWorker {
  const worker = new CallWorker(new URL('../src/channels/platform-call-worker.ts', import.meta.url), data);
  closing.push(() => worker.close());
  return worker;
}

async function freshStore(): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-turn-rows-'));
  const store = openSqliteStore(path.join(dir, 'db.sqlite'));
  closing.push(async () => (await store.close(), rmSync(dir, { recursive: true, force: true })));
  return store;
}

/** One turn of `replies` to `recipient`, answering event `e1`, as the conversation writes it. */
async function turnRow(store: Store, channel: string, recipient: string, replies: Reply[]) {
  await store.transaction((tx) => tx.enqueue({ channel, recipient, kind: 'replies', payload: { replies }, replyTo: 'e1' }));
  return store.dueOutboxOf(channel, recipient, new Date(), 10);
}

describe('a turn row on LINE', () => {
  it('joins a turn of seven short answers into one reply of five', async () => {
    const line = await startFakeLine();
    closing.push(() => line.close());
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'test-line-token', baseURL: line.origin } }));
    const store = await freshStore();
    const sender = new LineSender({ client, store, clock: () => new Date(), tokens: { take: () => 'token-1' } as never, moreLabel: async () => 'More' });
    const rows = await turnRow(store, 'line', 'U8', ['1', '2', '3', '4', '5', '6', '7'].map((t) => text(`m${t}`)));
    await sender.send('U8', rows, async (id) => store.markSent(id));
    // The shortest neighbours first, the earliest of equals: nothing is pushed.
    expect(line.calls.map((c) => [c.kind, c.messages.map((m) => m.text)])).toEqual([['reply', ['m1\n\nm2', 'm3\n\nm4', 'm5', 'm6', 'm7']]]);
    expect(await store.dueOutboxOf('line', 'U8', new Date(), 10)).toEqual([]);
  });

  it('goes as one reply of up to five messages; past five (texts too long to join), the rest by push, and a failed push resends only the rest', async () => {
    const line = await startFakeLine();
    closing.push(() => line.close());
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'test-line-token', baseURL: line.origin } }));
    const store = await freshStore();
    const tokens = { take: () => 'token-1' } as never;
    const sender = new LineSender({ client, store, clock: () => new Date(), tokens, moreLabel: async () => 'More' });

    // Each too long to share a message of LINE's 5,000 characters with its neighbour.
    const seven = ['1', '2', '3', '4', '5', '6', '7'].map((t) => text(`m${t} ${'word '.repeat(600)}`.trim()));
    let rows = await turnRow(store, 'line', 'U7', seven);
    expect(rows).toHaveLength(1);
    line.pushFailures.push({ status: 500 });
    const first = await sender.send('U7', rows, async (id) => store.markSent(id)).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    // Retried: LINE took the reply, so only the push goes again (under the same key).
    rows = await store.dueOutboxOf('line', 'U7', new Date(), 10);
    expect(rows[0]!.partsSent).toBe(1);
    await sender.send('U7', rows, async (id) => store.markSent(id));
    expect(line.calls.map((c) => [c.kind, c.status, c.messages.map((m) => m.text.split(' ')[0]).join(' ')])).toEqual([
      ['reply', 200, 'm1 m2 m3 m4 m5'],
      ['push', 500, 'm6 m7'],
      ['push', 200, 'm6 m7'],
    ]);
    expect(line.calls[1]!.retryKey).toBe(line.calls[2]!.retryKey);
    expect(line.texts()).toEqual(seven.map((r) => r.text));
    expect(await store.dueOutboxOf('line', 'U7', new Date(), 10)).toEqual([]);
  });
});

describe('a turn row on Telegram', () => {
  it('goes as one message when it can, and a turn of two messages resends only the one Telegram did not take', async () => {
    const tg = await startFakeTelegram(TELEGRAM_TOKEN);
    closing.push(() => tg.close());
    const api = telegramWorkerClient(platformWorker({ telegram: { token: TELEGRAM_TOKEN, apiRoot: tg.apiRoot, timeoutSeconds: 5 } }));
    const store = await freshStore();
    const sender = new TelegramSender(api, store, () => new Date());

    let rows = await turnRow(store, 'telegram', '77', [text('Welcome.'), text('Are you in danger now?', buttons)]);
    await sender.send('77', rows, async (id) => store.markSent(id));
    expect(tg.sent.map((m) => m.text)).toEqual(['Welcome.\n\nAre you in danger now?']);

    rows = await turnRow(store, 'telegram', '78', [text('Which country?', buttons), text('Or type it.')]);
    tg.sendFailures.push(null, { error_code: 502, description: 'Bad Gateway' });
    expect(await sender.send('78', rows, async (id) => store.markSent(id)).catch((e: unknown) => e)).toBeInstanceOf(Error);
    rows = await store.dueOutboxOf('telegram', '78', new Date(), 10);
    expect(rows[0]!.partsSent).toBe(1);
    await sender.send('78', rows, async (id) => store.markSent(id));
    expect(tg.sent.filter((m) => m.chat_id === '78').map((m) => m.text)).toEqual(['Which country?', 'Or type it.']);
    // Both messages recorded, for a quick exit to delete.
    expect(await store.takeSentMessages('telegram', '78', new Date(0))).toHaveLength(2);
  });
});
