/**
 * Telegram's sendMessage and deleteMessages, made in a worker thread (`telegram-call-worker.ts`):
 * the HTTP work of one call per turn, off the thread that answers every webhook. The sender sees
 * grammY's own errors: a Bot API refusal comes back as a {@link GrammyError} with its code and
 * parameters, a network failure as an {@link HttpError}.
 */
import { type Api, GrammyError, HttpError } from 'grammy';
import { CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';
import type { TelegramWorkerData } from './telegram-call-worker.ts';

/** The calls the worker makes, and a way to stop it. */
export type TelegramWorkerClient = Pick<Api, 'sendMessage' | 'deleteMessages'> & { close(): Promise<void> };

function revive(p: PlainError): Error {
  if (p.errorCode !== undefined) {
    const err = new GrammyError('', { ok: false, error_code: p.errorCode, description: p.description ?? '', parameters: p.parameters ?? {} }, 'sendMessage', {});
    err.message = p.message;
    return err;
  }
  if (p.name === 'HttpError') return new HttpError(p.message, reviveBasics({ ...p, name: 'Error' }));
  return reviveBasics(p);
}

/** A client whose sendMessage and deleteMessages run in a worker, started at the first call. */
export function telegramWorkerClient(data: TelegramWorkerData): TelegramWorkerClient {
  const worker = new CallWorker(new URL('./telegram-call-worker.ts', import.meta.url), data, revive);
  // Started now, beside the server's own start: the first answer does not wait for it.
  worker.warm();
  return {
    sendMessage: ((...args: unknown[]) => worker.call('sendMessage', args)) as Api['sendMessage'],
    deleteMessages: ((...args: unknown[]) => worker.call('deleteMessages', args)) as Api['deleteMessages'],
    close: () => worker.close(),
  };
}
