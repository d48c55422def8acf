/**
 * Telegram's sendMessage, deleteMessages and answerCallbackQuery, made in the platform call
 * worker (`telegram-call-worker.ts`): the HTTP work of a call or two per turn, off the thread that
 * answers every webhook. The sender sees grammY's own errors: a Bot API refusal comes back as a
 * {@link GrammyError} with its code and parameters, a network failure as an {@link HttpError}.
 */
import { type Api, GrammyError, HttpError } from 'grammy';
import { type CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';

/** The calls the worker makes. */
export type TelegramWorkerClient = Pick<Api, 'sendMessage' | 'deleteMessages' | 'answerCallbackQuery'>;

function revive(p: PlainError): Error {
  if (p.errorCode !== undefined) {
    const err = new GrammyError('', { ok: false, error_code: p.errorCode, description: p.description ?? '', parameters: p.parameters ?? {} }, 'sendMessage', {});
    err.message = p.message;
    return err;
  }
  if (p.name === 'HttpError') return new HttpError(p.message, reviveBasics({ ...p, name: 'Error' }));
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
