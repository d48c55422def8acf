/**
 * LINE's reply and push calls, made in a worker thread (`line-call-worker.ts`). Under a burst the
 * SDK's fetch was about a fifth of the main thread's time, and the main thread is where every
 * webhook is answered; the worker runs it on the other core. The sender sees the SDK's own
 * client and errors: an HTTP error comes back as an {@link HTTPFetchError} with its status and
 * headers, anything else (a refused connection) as an Error with its name and cause code.
 */
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import { CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';
import type { LineWorkerData } from './line-call-worker.ts';

/** The calls the worker makes, and a way to stop it. */
export type LineWorkerClient = Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'> & { close(): Promise<void> };

function revive(p: PlainError): Error {
  if (p.status === undefined) return reviveBasics(p);
  return new HTTPFetchError(p.message, { status: p.status, statusText: p.statusText ?? '', headers: new Headers(p.headers ?? []), body: p.body ?? '' });
}

/** A client whose reply and push run in a worker, started at the first call. */
export function lineWorkerClient(data: LineWorkerData): LineWorkerClient {
  const worker = new CallWorker(new URL('./line-call-worker.ts', import.meta.url), data, revive);
  // Started now, beside the server's own start: the first answer does not wait for it.
  worker.warm();
  return {
    replyMessage: (req) => worker.call('replyMessage', [req]) as Promise<messagingApi.ReplyMessageResponse>,
    pushMessage: (req, retryKey) => worker.call('pushMessage', [req, retryKey]) as Promise<messagingApi.PushMessageResponse>,
    close: () => worker.close(),
  };
}
