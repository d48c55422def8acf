/**
 * Telegram end to end against `telegram-test-api`, an independent fake Bot API: the bot long-polls
 * it, the test plays a user who taps the inline buttons, until a ticket reference arrives.
 */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChannelApp, startChannelApp, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';
import { playToTicket } from './helpers/play.ts';

// The package replaces module.exports with the class; require gives it whatever the import mode.
const TelegramServer = createRequire(import.meta.url)('telegram-test-api') as typeof import('telegram-test-api').default;
let server: InstanceType<typeof TelegramServer>;
let ctx: ChannelApp;

beforeEach(async () => {
  // A free port: bind one, free it, hand it on (the package wants a number up front).
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  server = new TelegramServer({ port, host: '127.0.0.1' });
  await server.start();
  ctx = await startChannelApp({ TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, TELEGRAM_MODE: 'polling', SIMULATOR: 'off' });
});
afterEach(async () => {
  await ctx.close();
  await server.stop();
});

describe('Telegram with telegram-test-api', () => {
  it('a button of an earlier question, tapped later, answers nothing: the question now asked comes again', async () => {
    const client = server.getClient(TELEGRAM_TOKEN, { userId: 502, chatId: 502, type: 'private' });
    const state = async () => (await ctx.services.store.transaction((tx) => tx.getSession('telegram:502')))!.state as { node: string; answers: Record<string, unknown> };
    const tap = async (data: string) => {
      const before = server.storage.botMessages.length;
      const q = client.makeCallbackQuery(data);
      q.message.chat.type = 'private';
      await client.sendCallback(q);
      await waitFor(() => server.storage.botMessages.length > before, 10_000, 'the bot to answer the tap');
      await ctx.idle();
    };
    await client.sendMessage(client.makeMessage('hello'));
    await waitFor(async () => (await ctx.services.store.transaction((tx) => tx.getSession('telegram:502'))) !== undefined, 10_000, 'the session');
    await ctx.idle();
    // At "are you in danger right now?": a "no" from another question's keyboard ("may staff write
    // first?", as a later screening would have left) must not answer it.
    const at = (await state()).node;
    await tap('k:contact_ok:no');
    expect((await state()).node).toBe(at);
    expect((await state()).answers.in_danger_now).toBeUndefined();
    const last = server.storage.botMessages.at(-1)!.message as unknown as { reply_markup?: { inline_keyboard: { callback_data: string }[][] } };
    expect(last.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data)).toContain('k:in_danger_now:yes');
    // This question's own button answers it.
    await tap('k:in_danger_now:no');
    expect((await state()).answers.in_danger_now).toBe('no');
  });

  it('plays a whole conversation to a ticket through inline keyboards', async () => {
    const client = server.getClient(TELEGRAM_TOKEN, { userId: 501, chatId: 501, type: 'private' });
    const sessionId = 'telegram:501';
    const transcriptSize = async () => (await ctx.services.store.transcriptOf(sessionId)).length;

    const step = async (send: () => Promise<unknown>) => {
      const before = await transcriptSize();
      await send();
      await waitFor(async () => (await transcriptSize()) > before, 10_000, 'the bot to take the message');
      await ctx.idle();
      await waitFor(() => server.storage.botMessages.length > 0, 10_000, 'a bot message');
    };

    await step(() => client.sendCommand(client.makeCommand('/start')));
    const ticket = await playToTicket(ctx.services, sessionId, async (s) => {
      if ('choice' in s) {
        const tapped = client.makeCallbackQuery(`c:${s.choice}`);
        tapped.message.chat.type = 'private';
        await step(() => client.sendCallback(tapped));
      } else if ('text' in s) await step(() => client.sendMessage(client.makeMessage(s.text)));
      else throw new Error('telegram-test-api cannot send photos');
    }, { media: false });

    expect(ticket.channel).toBe('telegram');
    expect(ticket.userId).toBe('501');
    await ctx.idle();
    const messages = server.storage.botMessages.map((m) => m.message as unknown as { chat_id: string | number; text: string; reply_markup?: unknown });
    expect(messages.every((m) => String(m.chat_id) === '501')).toBe(true);
    expect(messages.some((m) => m.text.includes(ticket.ref))).toBe(true);
    const buttons = messages.flatMap((m) => ((m.reply_markup as any)?.inline_keyboard ?? []).flat());
    // Each button names the question it answers with its choice.
    expect(buttons.some((b: any) => /^k:[a-z_]+:yes$/.test(b.callback_data))).toBe(true);
    expect(buttons.every((b: any) => Buffer.byteLength(b.callback_data) <= 64)).toBe(true);
  });
});
