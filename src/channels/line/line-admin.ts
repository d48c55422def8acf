/** Operations for the CLI: the URL to paste into the LINE Developers console. */
import type { Config } from '../../config/env.ts';
import { LINE_WEBHOOK_PATH } from './line-webhook.ts';

/** The public webhook URL, or a sentence saying what is missing. */
export function lineWebhookUrl(config: Config): { url: string } | { problem: string } {
  if (!config.PUBLIC_BASE_URL) return { problem: 'Set PUBLIC_BASE_URL to the https:// address where LINE can reach this server.' };
  return { url: new URL(LINE_WEBHOOK_PATH.slice(1), config.PUBLIC_BASE_URL.replace(/\/?$/, '/')).toString() };
}
