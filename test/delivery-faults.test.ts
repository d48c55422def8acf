/**
 * Delivery under a bad network, over real HTTP against the fake platforms: a LINE that takes
 * requests and never answers must not hold back Telegram, a chat whose push hangs must not hold
 * back other chats, and after an outage the messages that waited go out at once, in order per chat.
 * (How fast is measured by `npm run bench`; these tests check that it happens at all.)
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { type FakeTelegram, startFakeTelegram, tgMessage } from './fakes/fake-telegram.ts';
import { type ChannelApp, lineEnv, pngBytes, postLine, startChannelApp, TELEGRAM_SECRET, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';

let line: FakeLine | undefined;
let telegram: FakeTelegram | undefined;
let ctx: ChannelApp | undefined;

afterEach(async () => {
  // The fakes first: closing them ends the calls they hold, so the app can stop.
  await line?.close();
  await telegram?.close();
  await ctx?.close();
  line = telegram = ctx = undefined;
});

const telegramEnv = (apiRoot: string) => ({ TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: apiRoot, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET });

async function postTelegram(update: unknown): Promise<number> {
  const res = await fetch(`${ctx!.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
    body: JSON.stringify(update),
  });
  return res.status;
}

/** A LINE text message without a reply token, so that its answer goes by push (to a known chat). */
function linePushEvent(user: string, text: string): Record<string, unknown> {
  const { replyToken: _none, ...event } = lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text, quoteToken: 'q' } });
  return event;
}

describe('delivery under faults', () => {
  it('answers Telegram users while LINE takes every request and never answers', async () => {
    line = await startFakeLine();
    telegram = await startFakeTelegram(TELEGRAM_TOKEN);
    line.hangIf = () => true;
    // A long timeout: LINE stays hung for the whole test, so Telegram is served beside it, not after it.
    ctx = await startChannelApp({ ...lineEnv(line.origin), ...telegramEnv(telegram.apiRoot), PLATFORM_TIMEOUT_MS: '60000', SIMULATOR: 'off' });

    for (const user of ['Uhang1', 'Uhang2', 'Uhang3']) expect((await postLine(ctx.url, { destination: 'Ubot', events: [linePushEvent(user, 'hello')] })).status).toBe(200);
    await waitFor(() => (line!.received.push ?? 0) >= 1, 10_000, 'LINE holding a push');

    const users = [801, 802, 803, 804, 805];
    for (const [i, user] of users.entries()) expect(await postTelegram(tgMessage(9000 + i, user, { text: 'hello' }, 'en'))).toBe(200);
    await waitFor(() => users.every((u) => telegram!.sent.some((m) => m.chat_id === String(u))), 10_000, 'every Telegram user answered');
    // A second message of each is answered too: nothing is queued behind LINE.
    for (const [i, user] of users.entries()) expect(await postTelegram(tgMessage(9100 + i, user, { text: '/help' }, 'en'))).toBe(200);
    await waitFor(() => users.every((u) => telegram!.sent.filter((m) => m.chat_id === String(u)).length >= 2), 10_000, 'the second answers');

    // LINE really was hanging all along: it was asked and never answered.
    expect(line.delivered()).toEqual([]);
  });

  it('answers other LINE chats while one chat’s push hangs', async () => {
    line = await startFakeLine();
    line.hangIf = (call) => call.kind === 'push' && call.to === 'Ustalled';
    ctx = await startChannelApp({ ...lineEnv(line.origin), PLATFORM_TIMEOUT_MS: '60000', SIMULATOR: 'off' });

    await postLine(ctx.url, { destination: 'Ubot', events: [linePushEvent('Ustalled', 'hello')] });
    await waitFor(() => (line!.received.push ?? 0) >= 1, 10_000, 'the stalled push');

    for (const [n, text] of ['hello', '/help', '/status'].entries()) {
      await postLine(ctx.url, { destination: 'Ubot', events: [linePushEvent('Ufree', text)] });
      await waitFor(() => line!.delivered().filter((c) => c.to === 'Ufree').length > n, 10_000, `answer ${n + 1} to the free chat`);
    }
    expect(line.delivered().some((c) => c.to === 'Ustalled')).toBe(false);
  });

  it('gives up a push LINE never answers after PLATFORM_TIMEOUT_MS and sends it again', async () => {
    line = await startFakeLine();
    line.hangIf = (call) => call.kind === 'push';
    ctx = await startChannelApp({ ...lineEnv(line.origin), PLATFORM_TIMEOUT_MS: '300', OUTBOX_PROBE_MAX_MS: '100', SIMULATOR: 'off' });
    await postLine(ctx.url, { destination: 'Ubot', events: [linePushEvent('Uslow', 'hello')] });
    await waitFor(() => (line!.received.push ?? 0) >= 2, 10_000, 'the push timed out and tried again');
    line.hangIf = undefined;
    await waitFor(() => line!.delivered().some((c) => c.to === 'Uslow'), 10_000, 'the answer after LINE answers again');
  });

  it('sends what waited during a LINE outage promptly once LINE is back, in order per chat', async () => {
    line = await startFakeLine();
    line.down = true;
    ctx = await startChannelApp({ ...lineEnv(line.origin), OUTBOX_PROBE_MAX_MS: '200', SIMULATOR: 'off' });
    const users = Array.from({ length: 20 }, (_, i) => `Uout${i}`);

    // Each user writes during the outage; every answer fails at least once.
    const res = await postLine(ctx.url, { destination: 'Ubot', events: users.map((u) => linePushEvent(u, 'hello')) });
    expect(res.status).toBe(200);
    await waitFor(async () => (await pendingChats(ctx!)) === users.length, 10_000, 'every answer waiting');
    await waitFor(() => (line!.received.push ?? 0) >= 2, 10_000, 'failed pushes');
    // A short outage: with the rows' own backoff (1 s, 2 s, 4 s, ...) their next tries would
    // come 1.6 to 4.4 s after LINE is back.
    await new Promise((r) => setTimeout(r, 4000));

    line.down = false;
    const back = Date.now();
    await waitFor(() => users.every((u) => line!.delivered().some((c) => c.to === u)), 15_000, 'every chat answered');
    const drained = Date.now() - back;
    expect(drained).toBeLessThan(1500);

    // In order: each chat got its messages as the transcript has them.
    await ctx.idle();
    for (const user of users) {
      const sent = line.delivered().filter((c) => c.to === user).flatMap((c) => c.messages.map((m) => m.text));
      const transcript = (await ctx.services.store.transcriptOf(`line:${user}`)).filter((t) => t.direction === 'out').map((t) => (t.body as { text: string }).text);
      expect(sent).toEqual(transcript);
    }
  });
});

async function pendingChats(app: ChannelApp): Promise<number> {
  const due = await app.services.store.dueOutbox('line', new Date(Date.now() + 3_600_000), 1000);
  return new Set(due.map((r) => r.recipient)).size;
}

describe('Telegram calls under a deadline', () => {
  it.each(['getFile', 'file'])('answers a photo whose %s never answers, instead of waiting for it', async (hung) => {
    telegram = await startFakeTelegram(TELEGRAM_TOKEN);
    telegram.hang.add(hung);
    telegram.files.set('ph1', { bytes: pngBytes('hang'), path: 'photos/hang.png' });
    ctx = await startChannelApp({ ...telegramEnv(telegram.apiRoot), PLATFORM_TIMEOUT_MS: '300', PLATFORM_DOWNLOAD_TIMEOUT_MS: '300', SIMULATOR: 'off' });
    expect(await postTelegram(tgMessage(1, 950, { photo: [{ file_id: 'ph1', file_unique_id: 'u1', width: 1, height: 1, file_size: 80 }] }, 'en'))).toBe(200);
    // Two tries, each given up at its deadline, then the person is told it did not work.
    await waitFor(() => telegram!.sent.some((m) => m.chat_id === '950'), 10_000, 'an answer to the photo');
    expect(telegram.calls.filter((c) => c.method === 'getFile').length).toBeGreaterThanOrEqual(hung === 'getFile' ? 2 : 1);
  });
});

describe('LINE calls under a deadline', () => {
  it.each([
    ['a photo whose content download', 'content', (user: string) => lineEvent(user, { type: 'message', message: { id: 'img-hang', type: 'image', contentProvider: { type: 'line' }, quoteToken: 'q' } })],
    ['a new friend whose profile look-up', 'profile', (user: string) => lineEvent(user, { type: 'follow', follow: { isUnblocked: false } })],
  ] as const)('answers %s never answers', async (_what, kind, event) => {
    line = await startFakeLine();
    line.hangIf = (call) => call.kind === kind;
    line.content.set('img-hang', { bytes: pngBytes('hang'), type: 'image/png' });
    ctx = await startChannelApp({ ...lineEnv(line.origin), PLATFORM_TIMEOUT_MS: '300', PLATFORM_DOWNLOAD_TIMEOUT_MS: '300', SIMULATOR: 'off' });
    expect((await postLine(ctx.url, { destination: 'Ubot', events: [event('Udeadline')] })).status).toBe(200);
    await waitFor(() => line!.delivered().length > 0, 10_000, 'an answer');
  });
});
