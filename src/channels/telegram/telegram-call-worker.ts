/**
 * Telegram's sendMessage, deleteMessages and answerCallbackQuery as the platform call worker serves them (see
 * `../platform-call-worker.ts` and `telegram-worker-client.ts`): grammY's Api, pointed at the
 * configured Bot API root, posting with {@link postJsonFetch} (decision 0032).
 */
import { Api, GrammyError } from 'grammy';
import { type Plain, plainBasics, type Served } from '../../core/call-worker.ts';
import { postJsonFetch } from '../json-post.ts';

/** What the worker needs for Telegram. */
export interface TelegramWorkerData {
  token: string;
  apiRoot: string;
  timeoutSeconds: number;
}

type Send = Api['sendMessage'];
type Delete = Api['deleteMessages'];
type Answer = Api['answerCallbackQuery'];

/** The methods (`telegram.sendMessage`, `telegram.deleteMessages`, `telegram.answerCallbackQuery`) and how their errors cross. */
export function telegramServed({ token, apiRoot, timeoutSeconds }: TelegramWorkerData): { methods: Served; plain: Plain } {
  const api = new Api(token, { apiRoot, timeoutSeconds, fetch: postJsonFetch as unknown as typeof fetch });
  return {
    methods: {
      'telegram.sendMessage': (chatId: Parameters<Send>[0], text: Parameters<Send>[1], other?: Parameters<Send>[2]) => api.sendMessage(chatId, text, other),
      'telegram.deleteMessages': (chatId: Parameters<Delete>[0], ids: Parameters<Delete>[1]) => api.deleteMessages(chatId, ids),
      'telegram.answerCallbackQuery': (id: Parameters<Answer>[0], other?: Parameters<Answer>[1]) => api.answerCallbackQuery(id, other),
    },
    // A Bot API error with what the sender reads of it: its code and parameters (retry_after).
    plain: (err) => (err instanceof GrammyError ? { ...plainBasics(err), errorCode: err.error_code, description: err.description, parameters: { ...err.parameters } } : undefined),
  };
}
