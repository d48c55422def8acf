/**
 * Platform payloads of a known type with a wrong shape, over real HTTP: answered 200, recorded as
 * malformed without their content, never retried, and never holding back the person's next
 * message. Bodies nested absurdly deep are refused with 400, never 500.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { type FakeTelegram, startFakeTelegram, tgMessage } from './fakes/fake-telegram.ts';
import { type ChannelApp, LINE_SECRET, lineEnv, postLine, queryDb, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';

let line: FakeLine;
let telegram: FakeTelegram;
let ctx: ChannelApp;

beforeEach(async () => {
  line = await startFakeLine();
  telegram = await startFakeTelegram(TELEGRAM_TOKEN);
  ctx = await startChannelApp({
    ...lineEnv(line.origin),
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    SIMULATOR: 'off',
  });
});
afterEach(async () => {
  await ctx.close();
  await line.close();
  await telegram.close();
});

/** What a person wrote, planted in each broken payload: it must not reach the record. */
const SECRET = 'Somchai-0812345678';
const SECRET_NUMBER = 8_123_456_789;

const LINE_CASES: [string, (user: string) => Record<string, unknown>][] = [
  ['a message event with no message', (u) => lineEvent(u, { type: 'message', note: SECRET })],
  ['a text that is not a string', (u) => lineEvent(u, { type: 'message', message: { id: randomUUID(), type: 'text', text: SECRET_NUMBER } })],
  ['a message that is not an object', (u) => lineEvent(u, { type: 'message', message: SECRET })],
  ['a reply token that is not a string', (u) => ({ ...lineEvent(u, { type: 'message', message: { id: randomUUID(), type: 'text', text: SECRET } }), replyToken: SECRET_NUMBER })],
  ['postback data that is not a string', (u) => lineEvent(u, { type: 'postback', postback: { data: SECRET_NUMBER } })],
  ['a location without coordinates', (u) => lineEvent(u, { type: 'message', message: { id: randomUUID(), type: 'location', address: SECRET } })],
  ['an unsend without its message id', (u) => lineEvent(u, { type: 'unsend', unsend: { note: SECRET } })],
];

const from = (id: number) => ({ id, is_bot: false, first_name: 'Test' });
const privateChat = (id: number) => ({ id, type: 'private', first_name: 'Test' });
const TELEGRAM_CASES: [string, (updateId: number, user: number) => Record<string, unknown>][] = [
  ['a text that is not a string', (n, u) => tgMessage(n, u, { text: SECRET_NUMBER })],
  ['a photo list that is not a list', (n, u) => tgMessage(n, u, { photo: { file_id: SECRET, width: 1, height: 1 } })],
  ['a document without a file id', (n, u) => tgMessage(n, u, { document: { file_name: SECRET } })],
  ['a my_chat_member without its member', (n, u) => ({ update_id: n, my_chat_member: { chat: privateChat(u), from: from(u), date: 0, old_chat_member: { status: 'member' } } })],
  ['callback_data that is not a string', (n, u) => ({ update_id: n, callback_query: { id: `cq${n}`, from: from(u), chat_instance: '1', data: SECRET_NUMBER, message: { message_id: 1, date: 0, chat: privateChat(u) } } })],
  ['a message without its chat', (n, u) => ({ update_id: n, message: { message_id: n, date: 0, from: from(u), text: SECRET } })],
];

function malformedRecords(): { detail: string }[] {
  return queryDb<{ detail: string }>(ctx, `SELECT detail FROM audit WHERE action = 'inbound.malformed'`);
}

async function postTelegram(body: unknown): Promise<number> {
  const res = await fetch(`${ctx.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return res.status;
}

function expectRecordedWithoutContent(type: string) {
  const records = malformedRecords();
  expect(records).toHaveLength(1);
  expect(JSON.parse(records[0]!.detail)).toMatchObject({ type, problems: expect.any(Array) });
  expect(records[0]!.detail).not.toContain(SECRET);
  expect(records[0]!.detail).not.toContain(String(SECRET_NUMBER));
  // Not stored for handling, so never retried (and never dropped after retries).
  expect(queryDb(ctx, 'SELECT id FROM inbox')).toEqual([]);
  expect(queryDb(ctx, `SELECT id FROM audit WHERE action = 'inbound.dropped'`)).toEqual([]);
}

describe('malformed LINE events', () => {
  it.each(LINE_CASES)('%s: 200, recorded without content, and the next message is answered at once', async (_name, broken) => {
    const user = `U${randomUUID().slice(0, 8)}`;
    const bad = broken(user);
    const next = lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: 'hello', quoteToken: 'q' } });
    expect((await postLine(ctx.url, { destination: 'Ubot', events: [bad, next] })).status).toBe(200);
    // Promptly: a retried broken event would hold the next one back for 15 s.
    await waitFor(() => line.delivered().length > 0, 3000, 'the answer to the next message');
    expect(line.delivered().flatMap((c) => c.messages).length).toBeGreaterThan(0);
    expectRecordedWithoutContent(bad.type as string);
  });

  it('refuses a body nested absurdly deep with 400', async () => {
    const event = JSON.stringify(lineEvent('Udeep', { type: 'message', message: { id: 'm1', type: 'text', text: 'hi' } }));
    const raw = Buffer.from(`{"destination":"Ubot","events":[${event.slice(0, -1)},"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
    const res = await fetch(`${ctx.url}/webhooks/line`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': createHmac('sha256', LINE_SECRET).update(raw).digest('base64') },
      body: raw,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_body');
    expect(queryDb(ctx, 'SELECT id FROM inbox')).toEqual([]);
  });
});

describe('malformed Telegram updates', () => {
  it.each(TELEGRAM_CASES)('%s: 200, recorded without content, and the next message is answered at once', async (_name, broken) => {
    const user = 7000 + Math.floor(Math.random() * 1000);
    const bad = broken(100, user);
    expect(await postTelegram(bad)).toBe(200);
    expect(await postTelegram(tgMessage(101, user, { text: 'hello' }, 'en'))).toBe(200);
    await waitFor(() => telegram.sent.some((m) => m.chat_id === String(user)), 3000, 'the answer to the next message');
    expectRecordedWithoutContent(Object.keys(bad).find((k) => k !== 'update_id')!);
  });

  it('refuses a body nested absurdly deep with 400', async () => {
    const body = `{"update_id":5,"message":{"message_id":5,"date":0,"chat":{"id":1,"type":"private"},"text":"hi","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(await postTelegram(body)).toBe(400);
  });
});
