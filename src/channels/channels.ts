/**
 * The platform channels (LINE, Telegram) and their delivery, mounted on the app: one inbound
 * queue for what arrives, one outbox dispatcher for what leaves. A channel without its
 * credentials stays off.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';
import type { Config } from '../config/env.ts';
import type { ChannelSender } from '../delivery/channel-sender.ts';
import { OutboxDispatcher } from '../delivery/outbox-dispatcher.ts';
import { ESCALATION_RECIPIENT, WebhookSender } from '../delivery/webhook-sender.ts';
import { CallWorker } from '../core/call-worker.ts';
import { InboundQueue } from './inbound-queue.ts';
import type { PlatformWorkerData } from './platform-call-worker.ts';
import type { TelegramChannel } from './telegram/telegram-channel.ts';
import { LINE_WEBHOOK_PATH, TELEGRAM_WEBHOOK_PATH } from './webhook-paths.ts';

/** LINE is on when both its secret and its access token are set. */
function lineConfigured(config: Config): boolean {
  return Boolean(config.LINE_CHANNEL_SECRET && config.LINE_CHANNEL_ACCESS_TOKEN);
}

/**
 * One worker thread for the platforms' per-message calls of every configured channel (see
 * platform-call-worker.ts), started now, beside the server's own start, so that the first answer
 * does not wait for it; none without a platform channel.
 */
function platformCallWorker(config: Config): CallWorker | undefined {
  const data: PlatformWorkerData = {
    ...(lineConfigured(config) ? { line: { channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN!, baseURL: config.LINE_API_BASE_URL } } : {}),
    ...(config.TELEGRAM_BOT_TOKEN ? { telegram: { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: config.PLATFORM_TIMEOUT_MS / 1000 } } : {}),
  };
  if (!data.line && !data.telegram) return undefined;
  const worker = new CallWorker(new URL('./platform-call-worker.ts', import.meta.url), data);
  worker.warm();
  return worker;
}

/** The running pieces, for shutdown and for tests that wait for quiet. */
export interface ChannelRuntime {
  queue: InboundQueue;
  dispatcher: OutboxDispatcher;
  /** Resolves when nothing is being handled or sent. */
  idle(): Promise<void>;
}

const runtimes = new WeakMap<FastifyInstance, ChannelRuntime>();

/** The channel runtime of an app built by `createApp`. */
export function channelRuntime(app: FastifyInstance): ChannelRuntime | undefined {
  return runtimes.get(app);
}

/** Which platform channels the configuration turns on, and how they receive, for the start log. */
export function describeChannels(config: Config): string[] {
  const on: string[] = [];
  if (lineConfigured(config)) on.push(`line (webhook ${LINE_WEBHOOK_PATH})`);
  if (config.TELEGRAM_BOT_TOKEN) on.push(config.TELEGRAM_MODE === 'webhook' ? `telegram (webhook ${TELEGRAM_WEBHOOK_PATH})` : 'telegram (long polling)');
  return on;
}

/**
 * Mounts the configured channels. Work starts when the server is ready (leftovers from before a
 * restart first) and stops, waiting for what is in flight, when it closes. A platform's adapter and
 * SDK are loaded only when its channel is configured (a third of start-up otherwise).
 */
export async function registerChannels(app: FastifyInstance, services: Services): Promise<void> {
  const { config, store, clock } = services;
  const log = app.log;
  let dispatcher: OutboxDispatcher | undefined;
  // Quick events are handled in their webhook request (no inbox row, one commit) when one process
  // owns the database and no model may be asked first; otherwise every event is stored first.
  const atOnce = !config.DATABASE_URL && !services.conversation.readsStories;
  const queue = new InboundQueue({ store, log, onHandled: () => dispatcher?.wake(), atOnce });
  const senders: ChannelSender[] = [];
  let telegram: TelegramChannel | undefined;

  const worker = platformCallWorker(config);
  if (lineConfigured(config)) {
    const { setUpLine } = await import('./line/line-channel.ts');
    senders.push(setUpLine(app, services, queue, worker!));
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    const { setUpTelegram } = await import('./telegram/telegram-channel.ts');
    telegram = setUpTelegram(app, services, queue, log, worker!);
    senders.push(telegram.sender);
  }
  // Case-management webhooks need no platform: their sender is always there. The secret is read
  // at send time, so a rotated one applies to alerts already waiting.
  senders.push(
    new WebhookSender({
      clock,
      resolve: async (recipient) => {
        if (recipient === ESCALATION_RECIPIENT) {
          return config.ESCALATION_WEBHOOK_URL && config.ESCALATION_WEBHOOK_SECRET ? { url: config.ESCALATION_WEBHOOK_URL, secret: config.ESCALATION_WEBHOOK_SECRET } : undefined;
        }
        const cfg = (await store.listAgencyAlerts()).find((a) => a.agency === recipient);
        return cfg?.webhookUrl && cfg.webhookSecret ? { url: cfg.webhookUrl, secret: cfg.webhookSecret } : undefined;
      },
    }),
  );
  dispatcher = new OutboxDispatcher({ store, senders, clock, log, probeMaxMs: config.OUTBOX_PROBE_MAX_MS });
  const d = dispatcher;
  runtimes.set(app, { queue, dispatcher: d, idle: async () => (await queue.idle(), await d.idle(), await queue.idle()) });

  app.addHook('onReady', async () => {
    d.start();
    await queue.start();
    telegram?.start();
  });
  app.addHook('onClose', async () => {
    // Stop taking updates first, then finish handling, then finish sending; the store closes after.
    await telegram?.stop();
    await queue.stop();
    await d.stop();
    await worker?.close();
  });
}
