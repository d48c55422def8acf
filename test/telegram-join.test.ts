/**
 * Which replies of a turn Telegram gets as one message (joinTurn): a table of outbox rows and the
 * messages they become, then the same through the sender and the fake Bot API over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { joinTurn } from '../src/channels/telegram/telegram-messages.ts';
import { TelegramSender } from '../src/channels/telegram/telegram-sender.ts';
import type { Reply } from '../src/conversation/reply.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { startFakeTelegram } from './fakes/fake-telegram.ts';
import { TELEGRAM_TOKEN } from './helpers/channel-app.ts';

type R = { id: number; kind: string; replyTo?: string | null; partsSent?: number; payload: Reply | Record<string, unknown> };
const say = (id: number, text: string, more: Partial<R> & Partial<Reply> = {}): R => {
  const { kind = 'reply', replyTo = 'e1', partsSent, ...reply } = more;
  return { id, kind, replyTo, ...(partsSent ? { partsSent } : {}), payload: { text, ...reply } };
};
const buttons = { choices: [{ id: 'yes', label: 'Yes' }] };

const cases: { name: string; rows: R[]; messages: { ids: number[]; text?: string; buttons?: boolean }[] }[] = [
  { name: 'a turn of three texts and a question: one message, buttons under it', rows: [say(1, 'a'), say(2, 'b'), say(3, 'c'), say(4, 'q?', buttons)], messages: [{ ids: [1, 2, 3, 4], text: 'a\n\nb\n\nc\n\nq?', buttons: true }] },
  { name: 'a single reply stands alone', rows: [say(1, 'a')], messages: [{ ids: [1] }] },
  { name: 'buttons end a message: what follows starts the next', rows: [say(1, 'q?', buttons), say(2, 'b')], messages: [{ ids: [1] }, { ids: [2] }] },
  { name: 'answers to different events are not joined', rows: [say(1, 'a'), say(2, 'b', { replyTo: 'e2' })], messages: [{ ids: [1] }, { ids: [2] }] },
  { name: 'messages that answer no event (staff, case updates) are not joined', rows: [say(1, 'a', { replyTo: null }), say(2, 'b', { replyTo: null })], messages: [{ ids: [1] }, { ids: [2] }] },
  { name: 'an alert or a quick exit erase is never joined', rows: [say(1, 'a'), { id: 2, kind: 'erase', replyTo: 'e1', payload: {} }, say(3, 'b')], messages: [{ ids: [1] }, { ids: [2] }, { ids: [3] }] },
  { name: 'a reply begun already (a long text half sent) stands alone', rows: [say(1, 'a'), say(2, 'b', { partsSent: 1 })], messages: [{ ids: [1] }, { ids: [2] }] },
  { name: 'Zawgyi and Unicode replies are not mixed', rows: [say(1, 'a', { script: 'zawgyi' }), say(2, 'b')], messages: [{ ids: [1] }, { ids: [2] }] },
  { name: 'together past 4,096 characters: split where they would not fit', rows: [say(1, 'x'.repeat(3000)), say(2, 'y'.repeat(1000)), say(3, 'z'.repeat(1000))], messages: [{ ids: [1, 2] }, { ids: [3] }] },
];

describe('Telegram: one message per turn', () => {
  for (const c of cases) {
    it(c.name, () => {
      const joined = joinTurn(c.rows);
      expect(joined.map((g) => g.rows.map((r) => r.id))).toEqual(c.messages.map((m) => m.ids));
      for (const [i, m] of c.messages.entries()) {
        if (m.text !== undefined) expect(joined[i]!.reply?.text).toBe(m.text);
        if (m.buttons !== undefined) expect(Boolean(joined[i]!.reply?.choices?.length)).toBe(m.buttons);
      }
    });
  }

  it('sends a turn as one sendMessage and marks every row of it sent, recording the one message for a quick exit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-tg-join-'));
    const store = openSqliteStore(path.join(dir, 'db.sqlite'));
    const fake = await startFakeTelegram(TELEGRAM_TOKEN);
    try {
      await store.transaction(async (tx) => {
        for (const text of ['Welcome.', 'Type EXIT at any time.']) await tx.enqueue({ channel: 'telegram', recipient: '901', kind: 'reply', payload: { text }, replyTo: 'u1' });
        await tx.enqueue({ channel: 'telegram', recipient: '901', kind: 'reply', payload: { text: 'Are you in danger now?', ...buttons }, replyTo: 'u1' });
      });
      const sender = new TelegramSender(new Api(TELEGRAM_TOKEN, { apiRoot: fake.apiRoot }), store, () => new Date());
      const rows = await store.dueOutboxOf('telegram', '901', new Date(), 10);
      const delivered: number[] = [];
      await sender.send('901', rows, async (id) => void delivered.push(id));
      expect(fake.sent.map((m) => m.text)).toEqual(['Welcome.\n\nType EXIT at any time.\n\nAre you in danger now?']);
      expect(JSON.stringify(fake.sent[0]!.reply_markup)).toContain('c:yes');
      expect(delivered).toEqual(rows.map((r) => r.id));
      expect(await store.takeSentMessages('telegram', '901', new Date(0))).toEqual([String(fake.sent[0]!.message_id)]);
    } finally {
      await store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
