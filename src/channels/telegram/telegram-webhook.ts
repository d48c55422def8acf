/**
 * `POST /webhooks/telegram` (webhook mode): checks the secret token Telegram sends back, stores the
 * update, answers 200. The update is handled afterwards by the inbound queue, so Telegram never
 * times out and resends while a photo downloads.
 */
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import { RequestError } from '../../core/errors.ts';
import { safeEqual } from '../constant-time.ts';
import type { InboundQueue } from '../inbound-queue.ts';
import { MAX_PAYLOAD_DEPTH, nestsDeeperThan } from '../payload-check.ts';
import { registerRawBodyRoutes } from '../raw-body.ts';
import { TELEGRAM_WEBHOOK_PATH } from '../webhook-paths.ts';
import { acceptUpdate } from './telegram-updates.ts';

export { TELEGRAM_WEBHOOK_PATH };

/** Mounts the Telegram webhook. */
export function registerTelegramWebhook(app: FastifyInstance, opts: { secret: string; queue: InboundQueue }): void {
  registerRawBodyRoutes(app, (scope) => {
    scope.post(TELEGRAM_WEBHOOK_PATH, async (req, reply) => {
      const given = req.headers['x-telegram-bot-api-secret-token'];
      if (typeof given !== 'string' || !safeEqual(given, opts.secret)) {
        throw new RequestError(401, 'bad_secret', 'The X-Telegram-Bot-Api-Secret-Token header is missing or wrong.');
      }
      let update: Update;
      try {
        update = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '') as Update;
      } catch {
        throw new RequestError(400, 'invalid_body', 'The body is not valid JSON.');
      }
      if (!Number.isSafeInteger(update?.update_id)) throw new RequestError(400, 'invalid_body', 'The body is not a Telegram update (no update_id).');
      if (nestsDeeperThan(update)) throw new RequestError(400, 'invalid_body', `The body nests deeper than ${MAX_PAYLOAD_DEPTH} levels.`);
      await acceptUpdate(opts.queue, update);
      return reply.status(200).send({});
    });
  });
}
