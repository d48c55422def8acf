/**
 * One scripted conversation played through the simulator, LINE (our fake API) and Telegram
 * (telegram-test-api): the channels only translate, so the tickets must agree.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/conversation/reply.ts';
import type { TicketRecord } from '../src/store/store.ts';
import { lineEvent, startFakeLine, type FakeLine } from './fakes/fake-line.ts';
import { answerFor, type ChannelApp, lineEnv, postLine, startChannelApp, TELEGRAM_TOKEN, waitFor } from './helpers/channel-app.ts';
import { playToTicket } from './helpers/play.ts';

const TelegramServer = createRequire(import.meta.url)('telegram-test-api') as typeof import('telegram-test-api').default;

let line: FakeLine;
let telegram: InstanceType<typeof TelegramServer>;
let ctx: ChannelApp;

beforeAll(async () => {
  line = await startFakeLine();
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  telegram = new TelegramServer({ port, host: '127.0.0.1' });
  await telegram.start();
  ctx = await startChannelApp({ ...lineEnv(line.origin), TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: telegram.config.apiURL, TELEGRAM_MODE: 'polling', SIMULATOR: 'on' });
});
afterAll(async () => {
  await ctx.close();
  await telegram.stop();
  await line.close();
});

/** What must agree across channels. */
const essence = (t: TicketRecord) => ({
  priority: t.priority,
  caseType: t.caseType,
  referrals: t.referrals.map((r) => r.agency).sort(),
  indicators: [...t.indicators].sort(),
  answers: t.answers,
  language: t.language,
  role: t.role,
});

async function viaSimulator(): Promise<TicketRecord> {
  const user = 'sim-equal';
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${ctx.url}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, ...body }) });
    return ((await res.json()) as { replies: Reply[] }).replies;
  };
  await post({ text: '/start' });
  return playToTicket(
    ctx.services,
    `sim:${user}`,
    async (step) => {
      if ('choice' in step) await post({ choice: step.choice });
      else if ('text' in step) await post({ text: step.text });
    },
    { media: false },
  );
}

async function viaLine(): Promise<TicketRecord> {
  const user = 'Uequal';
  line.profileLanguage = undefined;
  const send = async (event: Record<string, unknown>) => {
    expect((await postLine(ctx.url, { destination: 'Ubot', events: [event] })).status).toBe(200);
    await ctx.idle();
  };
  await send(lineEvent(user, { type: 'follow', follow: { isUnblocked: false } }));
  return playToTicket(
    ctx.services,
    `line:${user}`,
    async (step) => {
      if ('choice' in step) await send(lineEvent(user, { type: 'postback', postback: { data: `c=${step.choice}` } }));
      else if ('text' in step) await send(lineEvent(user, { type: 'message', message: { id: randomUUID(), type: 'text', text: step.text } }));
    },
    { media: false },
  );
}

async function viaTelegram(): Promise<TicketRecord> {
  const client = telegram.getClient(TELEGRAM_TOKEN, { userId: 77, chatId: 77, type: 'private' });
  const sessionId = 'telegram:77';
  const size = async () => (await ctx.services.store.transcriptOf(sessionId)).length;
  const step = async (send: () => Promise<unknown>) => {
    const before = await size();
    await send();
    await waitFor(async () => (await size()) > before, 10_000, 'the bot to take the update');
    await ctx.idle();
  };
  await step(() => client.sendCommand(client.makeCommand('/start')));
  return playToTicket(
    ctx.services,
    sessionId,
    async (s) => {
      if ('choice' in s) {
        const tap = client.makeCallbackQuery(`c:${s.choice}`);
        await step(() => client.sendCallback(tap));
      } else if ('text' in s) await step(() => client.sendMessage(client.makeMessage(s.text)));
    },
    { media: false },
  );
}

describe('the same conversation on every channel', () => {
  it('gives equivalent tickets through the simulator, LINE and Telegram', async () => {
    const sim = await viaSimulator();
    const lineTicket = await viaLine();
    const tg = await viaTelegram();
    expect(sim.channel).toBe('sim');
    expect(lineTicket.channel).toBe('line');
    expect(tg.channel).toBe('telegram');
    expect(essence(lineTicket)).toEqual(essence(sim));
    expect(essence(tg)).toEqual(essence(sim));
    // The script is a strong case: make sure it is one, so the comparison means something.
    expect(sim.referrals.length).toBeGreaterThan(0);
    expect(answerFor({ text: '', expects: { key: 'nationality', type: 'choice' }, choices: [{ id: 'KH', label: 'Cambodia' }] })).toEqual({ choice: 'KH' });
  });
});
