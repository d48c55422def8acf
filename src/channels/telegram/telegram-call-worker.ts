/**
 * The worker thread that sends Telegram messages and deletes them (see `telegram-worker-client.ts`):
 * grammY's Api, pointed at the configured Bot API root, serving those calls to the main thread.
 */
import { Api, GrammyError } from 'grammy';
import { type PlainError, plainBasics, serveCalls, startData } from '../../core/call-worker.ts';

/** What the worker is started with. */
export interface TelegramWorkerData {
  token: string;
  apiRoot: string;
  timeoutSeconds: number;
}

const { token, apiRoot, timeoutSeconds } = startData<TelegramWorkerData>();
const api = new Api(token, { apiRoot, timeoutSeconds });

/** A Bot API error with what the sender reads of it: its code and parameters (retry_after). */
function plain(err: unknown): PlainError {
  if (!(err instanceof GrammyError)) return plainBasics(err);
  return { ...plainBasics(err), errorCode: err.error_code, description: err.description, parameters: { ...err.parameters } };
}

type Send = Api['sendMessage'];
type Delete = Api['deleteMessages'];
serveCalls(
  {
    sendMessage: (chatId: Parameters<Send>[0], text: Parameters<Send>[1], other?: Parameters<Send>[2]) => api.sendMessage(chatId, text, other),
    deleteMessages: (chatId: Parameters<Delete>[0], ids: Parameters<Delete>[1]) => api.deleteMessages(chatId, ids),
  },
  plain,
);
