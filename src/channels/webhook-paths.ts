/**
 * The paths the platforms post to, in a module of their own: the start log names them, and naming
 * them must not load the platform SDKs (which load only when their channel is configured).
 */

/** The path LINE posts to (set it in the LINE Developers console). */
export const LINE_WEBHOOK_PATH = '/webhooks/line';

/** The path Telegram posts to (registered by `npm run cli -- telegram set-webhook`). */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';
