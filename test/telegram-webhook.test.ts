/**
 * Telegram webhook mode and what `telegram-test-api` lacks, against our own fake Bot API: the
 * secret-token check, de-duplication by update_id, photos via getFile, 429 with retry_after, and
 * the CLI's set-webhook with the command menu.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTelegramWebhook } from '../src/channels/telegram/telegram-admin.ts';
import { loadConfig } from '../src/config/env.ts';
import { type FakeTelegram, startFakeTelegram, tgCallback, tgMessage } from './fakes/fake-telegram.ts';
import { type ChannelApp, pngBytes, queryDb, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';

let fake: FakeTelegram;
let ctx: ChannelApp;

async function start(extra: Record<string, string> = {}) {
  ctx = await startChannelApp({
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    SIMULATOR: 'off',
    ...extra,
  });
}

beforeEach(async () => {
  fake = await startFakeTelegram(TELEGRAM_TOKEN);
  await start();
});
afterEach(async () => {
  await ctx.close();
  await fake.close();
});

/** Posts an update; `secret` null sends no secret header. */
async function post(update: unknown, secret: string | null = TELEGRAM_SECRET): Promise<number> {
  const res = await fetch(`${ctx.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });
  await ctx.idle();
  return res.status;
}

function query<T>(sql: string, ...args: unknown[]): T[] {
  return queryDb<T>(ctx, sql, ...args);
}

describe('Telegram webhook', () => {
  it('refuses a missing or wrong secret token with 401 and stores nothing', async () => {
    const update = tgMessage(1, 700, { text: 'hello' });
    expect(await post(update, null)).toBe(401);
    expect(await post(update, 'wrong')).toBe(401);
    expect(await post(update, `${TELEGRAM_SECRET}x`)).toBe(401);
    expect(query('SELECT * FROM inbox')).toEqual([]);
    expect(query('SELECT * FROM sessions')).toEqual([]);
    expect(fake.sent).toEqual([]);
  });

  it('answers with the right secret, and handles the same update_id once', async () => {
    const update = tgMessage(10, 701, { text: '/start' }, 'en');
    expect(await post(update)).toBe(200);
    const sent = fake.sent.length;
    expect(sent).toBeGreaterThan(0);
    expect(fake.sent.every((m) => m.chat_id === '701')).toBe(true);
    expect(await post(update)).toBe(200);
    expect(fake.sent.length).toBe(sent);
    expect(query('SELECT 1 FROM transcript WHERE direction = ?', 'in')).toHaveLength(1);
  });

  it('takes a button tap as a choice and answers the callback query', async () => {
    await post(tgMessage(20, 702, { text: '/start' }, 'en'));
    const keyboard = fake.sent.at(-1)?.reply_markup?.inline_keyboard;
    expect(keyboard?.length).toBeGreaterThan(0);
    const data: string = keyboard[0][0].callback_data;
    // The button names its question (k:<key>:<id>).
    const [, key, id] = /^k:([a-z_]+):(.+)$/.exec(data)!;
    await post(tgCallback(21, 702, data));
    await waitFor(() => fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === 'cq21'), 5000, 'the callback answered');
    const ins = query<{ body: string }>('SELECT body FROM transcript WHERE direction = ? ORDER BY id', 'in');
    expect(key).toBeTruthy();
    expect(JSON.parse(ins.at(-1)!.body)).toEqual({ choice: [id] });
  });

  it('handles a tap in its webhook request: the answer is committed at the 200, with no inbox row', async () => {
    await post(tgMessage(22, 703, { text: '/start' }, 'en'));
    const data: string = fake.sent.at(-1)?.reply_markup?.inline_keyboard[0][0].callback_data;
    const rows = () => query('SELECT 1 FROM outbox WHERE recipient = ?', '703').length;
    const before = rows();
    const res = await fetch(`${ctx.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
      body: JSON.stringify(tgCallback(23, 703, data)),
    });
    expect(res.status).toBe(200);
    // At the 200 the answer to the tap is committed already, and nothing waits in the inbox.
    expect(rows()).toBeGreaterThan(before);
    expect(query('SELECT 1 FROM inbox')).toEqual([]);
    await ctx.idle();
  });

  it('quick exit deletes the bot’s and the person’s messages, then says the chat is erased', async () => {
    await post(tgMessage(40, 704, { text: '/start' }, 'en'));
    await post(tgMessage(41, 704, { text: 'no' }));
    const before = fake.sent.filter((m) => m.chat_id === '704').map((m) => m.message_id);
    // Each turn's replies go as one message (joinTurn): one for /start, one for the answer.
    expect(before.length).toBeGreaterThanOrEqual(2);
    await post(tgMessage(42, 704, { text: '/exit' }));
    const deleted = fake.deleted.filter((d) => d.chat_id === '704').map((d) => d.message_id);
    expect(deleted).toEqual(expect.arrayContaining([...before, 40, 41, 42]));
    expect(fake.sent.at(-1)?.text).toContain('erased');
    expect(query('SELECT * FROM transcript')).toEqual([]);
    expect(query('SELECT * FROM sent_messages WHERE recipient = ?', '704')).toHaveLength(1);
  });

  it('downloads the largest photo size via getFile; at a yes/no question it stores nothing (issue 10 item 17)', async () => {
    const photo = pngBytes('telegram-photo');
    fake.files.set('big', { bytes: photo, path: 'photos/file_1.png' });
    fake.files.set('thumb', { bytes: pngBytes('thumb'), path: 'photos/thumb.png' });
    await post(tgMessage(30, 703, { text: '/start' }, 'en'));
    await post(tgMessage(31, 703, { photo: [{ file_id: 'thumb', file_unique_id: 't', width: 90, height: 90, file_size: 10 }, { file_id: 'big', file_unique_id: 'b', width: 800, height: 600, file_size: photo.length }] }));
    expect(fake.calls.filter((c) => c.method === 'getFile').map((c) => (c.params as { file_id?: string }).file_id)).toEqual(['big']);
    expect(query('SELECT 1 FROM attachments')).toEqual([]);
  });

  it('refuses a document over MAX_UPLOAD_BYTES without downloading it', async () => {
    await ctx.close();
    await start({ MAX_UPLOAD_BYTES: '2048' });
    await post(tgMessage(40, 704, { text: '/start' }, 'en'));
    const before = fake.sent.length;
    await post(tgMessage(41, 704, { document: { file_id: 'huge', file_unique_id: 'h', file_name: 'passport.pdf', mime_type: 'application/pdf', file_size: 5_000_000 } }));
    expect(fake.calls.some((c) => c.method === 'getFile')).toBe(false);
    const t = ctx.services.definitions.translations.t('en');
    expect(fake.sent.slice(before).map((m) => m.text).join('\n')).toContain(t('miss.file_too_large'));
    expect(query('SELECT 1 FROM attachments')).toEqual([]);
  });

  it('waits retry_after on a 429 and still sends the chat in order', async () => {
    fake.sendFailures.push({ error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const t0 = Date.now();
    await post(tgMessage(50, 705, { text: '/start' }, 'en'));
    const ready = async () => {
      for (let i = 0; i < 300 && query("SELECT 1 FROM outbox WHERE status = 'pending'").length; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await ready();
    const rows = query<{ payload: string; status: string; attempts: number }>('SELECT payload, status, attempts FROM outbox ORDER BY id');
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(rows[0]!.attempts).toBe(2);
    expect(fake.sent[0]!.at - t0).toBeGreaterThanOrEqual(1000);
    // The turn is one row, its replies in order the paragraphs of one message.
    expect(rows).toHaveLength(1);
    const replies = (JSON.parse(rows[0]!.payload) as { replies: { text: string }[] }).replies;
    expect(replies.length).toBeGreaterThan(1);
    expect(fake.sent.map((m) => m.text)).toEqual([replies.map((r) => r.text).join('\n\n')]);
  });

  it('set-webhook registers our URL with the secret, and the commands in every language', async () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET, PUBLIC_BASE_URL: 'https://bot.example.org' });
    const url = await setTelegramWebhook(config, ctx.services.definitions.translations);
    expect(url).toBe('https://bot.example.org/webhooks/telegram');
    const hook = fake.calls.find((c) => c.method === 'setWebhook')!;
    expect(hook.params).toMatchObject({ url, secret_token: TELEGRAM_SECRET, drop_pending_updates: false });
    const menus = fake.calls.filter((c) => c.method === 'setMyCommands');
    const languages = ctx.services.definitions.translations.languages;
    expect(menus).toHaveLength(languages.length + 1);
    expect(menus.map((m) => m.params.language_code ?? null)).toEqual([null, ...languages]);
    for (const m of menus) {
      expect(m.params.commands.map((c: { command: string }) => c.command)).toEqual(['start', 'help', 'lang', 'status', 'privacy', 'delete', 'exit']);
      expect(m.params.commands.every((c: { description: string }) => c.description.length > 0)).toBe(true);
    }
    const th = menus.find((m) => m.params.language_code === 'th');
    if (th) expect(th.params.commands[0].description).toBe(ctx.services.definitions.translations.raw('th', 'commands.start'));
  });
});
