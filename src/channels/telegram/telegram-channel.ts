/**
 * The Telegram channel, assembled: the webhook or long polling, the update handler and the sender,
 * with grammY pointed at the configured Bot API root.
 */
import type { Bot } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { FastifyInstance } from 'fastify';
import { claimFromAlert } from '../../alerts/alert-claim.ts';
import type { Services } from '../../services.ts';
import type { CallWorker } from '../../core/call-worker.ts';
import { lazily } from '../../core/lazily.ts';
import type { ChannelSender } from '../../delivery/channel-sender.ts';
import type { DeliveryLog } from '../../delivery/outbox-dispatcher.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { registerCommands } from './telegram-commands.ts';
import { handleTelegramUpdate } from './telegram-inbound.ts';
import { TELEGRAM_CHANNEL, TelegramSender } from './telegram-sender.ts';
import { ALLOWED_UPDATES, acceptUpdate, quickUpdate } from './telegram-updates.ts';
import { registerTelegramWebhook } from './telegram-webhook.ts';
import { telegramWorkerClient } from './telegram-worker-client.ts';

export { TELEGRAM_CHANNEL } from './telegram-sender.ts';
export { TELEGRAM_WEBHOOK_PATH } from './telegram-webhook.ts';

/** The running Telegram channel. */
export interface TelegramChannel {
  sender: ChannelSender;
  /** Starts long polling (polling mode); webhook mode needs nothing started. */
  start(): void;
  stop(): Promise<void>;
}

/** Builds a grammY bot for our configuration (loading grammY); `botInfo` skips getMe (tests). */
export async function createBot(token: string, apiRoot: string, botInfo?: UserFromGetMe, timeoutSeconds?: number): Promise<Bot> {
  const { Bot } = await import('grammy');
  return new Bot(token, { client: { apiRoot, ...(timeoutSeconds ? { timeoutSeconds } : {}) }, ...(botInfo ? { botInfo } : {}) });
}

/** Long polling asks Telegram to hold getUpdates open this long (grammY's default). */
const LONG_POLL_SECONDS = 30;

/** Sets up Telegram on the app and the queue. Call only when Telegram is configured. */
export function setUpTelegram(app: FastifyInstance, services: Services, queue: InboundQueue, log: DeliveryLog, worker: CallWorker): TelegramChannel {
  const { config, store, conversation, files, definitions } = services;
  const token = config.TELEGRAM_BOT_TOKEN!;
  const callSeconds = config.PLATFORM_TIMEOUT_MS / 1000;
  // The rare calls (a photo's file, the outage probe) through grammY's Api, loaded on the first of
  // them: grammY's entry point (node-fetch and its URL tables) is 50 ms of a start, and 20 MB.
  const api = lazily(async () => new (await import('grammy')).Api(token, { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: callSeconds }));

  // The claim button of an alert runs the same ticket action as the dashboard's.
  const claimDeps = { store, actions: services.actions, translations: definitions.translations, dictionary: definitions.flows.dictionary, staffLanguages: definitions.staffLanguages };
  const claim = (userId: string, ref: string, languageCode: string | undefined) => claimFromAlert(claimDeps, userId, ref, languageCode);
  // Messages are sent and deleted, and taps answered, in the platform call worker, off the thread
  // that answers the webhooks.
  const calls = telegramWorkerClient(worker);
  const inboundApi = { getFile: async (fileId: string) => (await api()).getFile(fileId), answerCallbackQuery: calls.answerCallbackQuery };
  queue.handle(TELEGRAM_CHANNEL, (row) => handleTelegramUpdate({ config, token, conversation, store, files, api: inboundApi, claim }, row), (e) => quickUpdate(e.payload as Update));
  const sender = new TelegramSender({ sendMessage: calls.sendMessage, deleteMessages: calls.deleteMessages, getMe: async () => (await api()).getMe() }, store, services.clock);

  if (config.TELEGRAM_MODE === 'webhook') {
    registerTelegramWebhook(app, { secret: config.TELEGRAM_WEBHOOK_SECRET!, queue });
    return { sender, start: () => undefined, stop: async () => undefined };
  }

  let stopped = false;
  let polling: Promise<void> | undefined;
  let wakeUp = () => {};
  let bot: Bot | undefined;
  /** The poller. grammY's own default timeout is 500 s; Telegram holds getUpdates open on purpose, so it gets that much longer than the platform timeout of every other call. */
  const poller = async (): Promise<Bot> => {
    const made = await createBot(token, config.TELEGRAM_API_ROOT, undefined, LONG_POLL_SECONDS + callSeconds);
    // An update is confirmed to Telegram once this returns, so it returns only after the update
    // is stored; the store's own busy wait covers short contention, these retries a bit more.
    made.use(async (ctx) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await acceptUpdate(queue, ctx.update);
        } catch (err) {
          if (attempt >= 5 || stopped) throw err;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    });
    made.catch((err) => log.error({ updateId: err.ctx.update.update_id, err: { message: (err.error as Error)?.message } }, 'telegram update could not be stored'));
    return made;
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => (clearTimeout(timer), resolve());
    });
  let pollLock: { release(): Promise<void> } | undefined;
  const run = async () => {
    // Telegram gives updates to one poller: with several instances on one database, the one that
    // holds the lock polls, and the others refuse (webhook mode is the way to scale). They stand
    // by, and take over if the holder goes away.
    let told = false;
    while (!stopped && !(pollLock = await store.acquireLock('telegram-poll').catch(() => undefined))) {
      if (!told) log.error({}, 'telegram polling not started: another instance holds the poll (set TELEGRAM_MODE=webhook to run several instances); standing by');
      told = true;
      await pause(30_000);
    }
    // bot.start gives up on a bad token or a second poller (409); keep trying, slowly, and say why.
    while (!stopped) {
      try {
        bot ??= await poller();
        // Stopped while grammY was loading: never start polling after stop().
        if (stopped) return;
        const running = bot;
        await running.start({
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: () => {
            registerCommands(running.api, definitions.translations).catch((err: Error) => log.warn({ err: { message: err.message } }, 'telegram commands not registered'));
          },
        });
      } catch (err) {
        if (stopped) return;
        log.error({ err: { message: (err as Error).message } }, 'telegram polling stopped; restarting in 10 s');
        await pause(10_000);
      }
    }
  };

  return {
    sender,
    start: () => {
      polling ??= run();
    },
    stop: async () => {
      stopped = true;
      wakeUp();
      if (bot?.isRunning()) await bot.stop().catch(() => undefined);
      await polling;
      await pollLock?.release();
    },
  };
}
