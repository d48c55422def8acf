/**
 * Telegram's sendMessage, deleteMessages and answerCallbackQuery, made in the platform call
 * worker (`telegram-call-worker.ts`): the HTTP work of a call or two per turn, off the thread that
 * answers every webhook. The sender sees errors of grammY's shape (telegram-api-error.ts): a Bot
 * API refusal comes back as a {@link BotApiError} with its code and parameters, a network failure
 * as a {@link BotApiNetworkError}.
 */
import type { Api } from 'grammy';
import { type CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';
import { BotApiError, BotApiNetworkError } from './telegram-api-error.ts';

/** The calls the worker makes. */
export type TelegramWorkerClient = Pick<Api, 'sendMessage' | 'deleteMessages' | 'answerCallbackQuery'>;

function revive(p: PlainError): Error {
  if (p.errorCode !== undefined) return new BotApiError(p.message, { error_code: p.errorCode, description: p.description ?? '', parameters: p.parameters ?? {} });
  if (p.name === 'HttpError') return new BotApiNetworkError(p.message, p.causeCode ? { cause: { code: p.causeCode } } : undefined);
  return reviveBasics(p);
}

/** A client whose sendMessage, deleteMessages and answerCallbackQuery run in `worker` (started with Telegram's part, see platform-call-worker.ts). */
export function telegramWorkerClient(worker: CallWorker): TelegramWorkerClient {
  return {
    sendMessage: ((...args: unknown[]) => worker.call('telegram.sendMessage', args, revive)) as Api['sendMessage'],
    deleteMessages: ((...args: unknown[]) => worker.call('telegram.deleteMessages', args, revive)) as Api['deleteMessages'],
    answerCallbackQuery: ((...args: unknown[]) => worker.call('telegram.answerCallbackQuery', args, revive)) as Api['answerCallbackQuery'],
  };
}
