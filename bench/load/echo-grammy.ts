/** The peer for Telegram: a grammY webhook echo bot (answers Telegram once the reply went out). */
import { createServer } from 'node:http';
import { Bot, webhookCallback } from 'grammy';

const botInfo = { id: 1, is_bot: true, first_name: 'Echo', username: 'echo_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as const;
const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT! }, botInfo: botInfo as never });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
createServer(webhookCallback(bot, 'http', { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! })).listen(Number(process.env.PORT), '127.0.0.1');
