/** The peer for LINE: the @line/bot-sdk echo bot, as its README has it (reply, then answer LINE). */
import { createServer } from 'node:http';
import { messagingApi, middleware, type webhook } from '@line/bot-sdk';

const client = new messagingApi.MessagingApiClient({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN!, baseURL: process.env.LINE_API_BASE_URL! });
const check = middleware({ channelSecret: process.env.LINE_CHANNEL_SECRET! });
const echo = (e: webhook.Event) => (e.type === 'message' && e.message.type === 'text' && e.replyToken ? client.replyMessage({ replyToken: e.replyToken, messages: [{ type: 'text', text: e.message.text }] }) : null);
createServer((req, res) =>
  check(req as never, res as never, () => Promise.all(((req as unknown as { body: webhook.CallbackRequest }).body.events ?? []).map(echo)).then(() => res.end('{}'), () => ((res.statusCode = 500), res.end()))),
).listen(Number(process.env.PORT), '127.0.0.1');
