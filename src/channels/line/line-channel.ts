/**
 * The LINE channel, assembled: the webhook, the event handler and the sender, with the SDK
 * clients pointed at the configured API origins.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import type { ChannelSender } from '../../delivery/channel-sender.ts';
import type { CallWorker } from '../../core/call-worker.ts';
import { lazily } from '../../core/lazily.ts';
import { withDeadlines } from '../../delivery/deadline.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { handleLineEvent, lineSessionId, quickLineEvent } from './line-inbound.ts';
import { FreshReplyTokens } from './line-reply-tokens.ts';
import { LINE_CHANNEL, LineSender } from './line-sender.ts';
import { registerLineWebhook } from './line-webhook.ts';
import { lineWorkerClient } from './line-worker-client.ts';

export { LINE_CHANNEL } from './line-sender.ts';
export { LINE_WEBHOOK_PATH } from './line-webhook.ts';

/** Sets up LINE on the app and the queue; returns its sender. Call only when LINE is configured. */
export function setUpLine(app: FastifyInstance, services: Services, queue: InboundQueue, worker: CallWorker): ChannelSender {
  const { config, store, clock, conversation, files, definitions } = services;
  const channelAccessToken = config.LINE_CHANNEL_ACCESS_TOKEN!;
  // Replies and pushes, one or more per event, are made in the platform call worker; the rare calls
  // (a follower's profile, a photo's bytes, the outage probe) here, through the SDK, loaded on the
  // first of them: its entry point is 383 modules and 22 MB, which a start would otherwise pay.
  const sdk = lazily(async () => {
    const { messagingApi: api } = await import('@line/bot-sdk');
    return {
      client: new api.MessagingApiClient({ channelAccessToken, baseURL: config.LINE_API_BASE_URL }),
      blob: new api.MessagingApiBlobClient({ channelAccessToken, baseURL: config.LINE_DATA_API_BASE_URL }),
    };
  });
  const calls = lineWorkerClient(worker);
  const both = {
    replyMessage: calls.replyMessage,
    pushMessage: calls.pushMessage,
    getProfile: async (userId: string) => (await sdk()).client.getProfile(userId),
    getBotInfo: async () => (await sdk()).client.getBotInfo(),
  };
  // Every call under a deadline: the SDK has none of its own (see delivery/deadline.ts).
  const client = withDeadlines(both, ['replyMessage', 'pushMessage', 'getProfile', 'getBotInfo'] as const, config.PLATFORM_TIMEOUT_MS, 'line');
  const blob: Pick<messagingApi.MessagingApiBlobClient, 'getMessageContent'> = { getMessageContent: async (messageId) => (await sdk()).blob.getMessageContent(messageId) };

  queue.handle(LINE_CHANNEL, (row) => handleLineEvent({ config, conversation, store, files, client, blob }, row), quickLineEvent);
  const tokens = new FreshReplyTokens(clock);
  registerLineWebhook(app, { channelSecret: config.LINE_CHANNEL_SECRET!, queue, tokens });

  return new LineSender({
    client,
    store,
    clock,
    tokens,
    moreLabel: async (recipient) => {
      const session = await store.transaction((tx) => tx.getSession(lineSessionId(recipient)));
      return definitions.translations.t(session?.state.lang)('channel.more');
    },
  });
}
