/**
 * The Telegram sender against the fake Bot API over HTTP: a long text split into several
 * messages, interrupted half-way, is resumed where it stopped (Telegram has no retry key, so
 * anything sent again would be shown twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTelegramMessages } from '../src/channels/telegram/telegram-messages.ts';
import { TelegramSender } from '../src/channels/telegram/telegram-sender.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { type FakeTelegram, startFakeTelegram } from './fakes/fake-telegram.ts';
import { TELEGRAM_TOKEN } from './helpers/channel-app.ts';

let dir: string;
let store: Store;
let fake: FakeTelegram;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-tg-sender-'));
  store = openSqliteStore(path.join(dir, 'db.sqlite'));
  fake = await startFakeTelegram(TELEGRAM_TOKEN);
});
afterEach(async () => {
  await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Telegram sender', () => {
  it('resumes a long text after its second part failed, without sending the first again', async () => {
    const text = ['one ', 'two ', 'six '].map((w) => w.repeat(900)).join('\n\n');
    await store.transaction((tx) => tx.enqueue({ channel: 'telegram', recipient: '900', kind: 'reply', payload: { text } }));
    const sender = new TelegramSender(new Api(TELEGRAM_TOKEN, { apiRoot: fake.apiRoot }), store, () => new Date());
    const due = () => store.dueOutbox('telegram', new Date(), 10);
    const delivered: number[] = [];

    fake.sendFailures = [null, { error_code: 502, description: 'Bad Gateway' }];
    await expect(sender.send('900', await due(), async (id) => void delivered.push(id))).rejects.toMatchObject({ failure: 'transient' });
    expect(fake.sent).toHaveLength(1);

    await sender.send('900', await due(), async (id) => (delivered.push(id), store.markSent(id)));
    // Each part once, in order.
    expect(fake.sent.map((m) => m.text)).toEqual(toTelegramMessages({ text }).map((m) => m.text));
    expect(delivered).toHaveLength(1);
  });
});
