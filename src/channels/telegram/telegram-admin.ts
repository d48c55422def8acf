/** Operations for the CLI: registering the webhook and the command menu with Telegram. */
import type { Config } from '../../config/env.ts';
import type { Translations } from '../../i18n/locales.ts';
import { createBot } from './telegram-channel.ts';
import { registerCommands } from './telegram-commands.ts';
import { ALLOWED_UPDATES } from './telegram-updates.ts';
import { TELEGRAM_WEBHOOK_PATH } from './telegram-webhook.ts';

/** The public webhook URL, or a sentence saying what is missing. */
export function telegramWebhookUrl(config: Config): { url: string } | { problem: string } {
  if (!config.PUBLIC_BASE_URL) return { problem: 'Set PUBLIC_BASE_URL to the https:// address where Telegram can reach this server.' };
  // Relative to the base, so that a deployment under a path prefix (https://host/tangrod/) keeps it.
  return { url: new URL(TELEGRAM_WEBHOOK_PATH.slice(1), config.PUBLIC_BASE_URL.replace(/\/?$/, '/')).toString() };
}

/**
 * Points Telegram at our webhook with the secret token, and registers the command menu. Updates
 * still queued at Telegram are kept (drop_pending_updates false): they may be someone asking for help.
 */
export async function setTelegramWebhook(config: Config, translations: Translations): Promise<string> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('Set TELEGRAM_BOT_TOKEN (from @BotFather) first.');
  if (!config.TELEGRAM_WEBHOOK_SECRET) throw new Error('Set TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) first.');
  const target = telegramWebhookUrl(config);
  if ('problem' in target) throw new Error(target.problem);
  const bot = await createBot(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT);
  await bot.api.setWebhook(target.url, { secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
  await registerCommands(bot.api, translations);
  return target.url;
}
