/**
 * LINE's reply and push, made in the platform call worker (`line-call-worker.ts`). Under a burst
 * the SDK's fetch was about a fifth of the main thread's time, and the main thread is where every
 * webhook is answered; the worker runs it on the other core. The sender sees the SDK's own client
 * and errors: an HTTP error comes back as an {@link HTTPFetchError} with its status and headers,
 * anything else (a refused connection) as an Error with its name and cause code.
 */
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import { type CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';

/** The calls the worker makes. */
export type LineWorkerClient = Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'>;

function revive(p: PlainError): Error {
  if (p.status === undefined) return reviveBasics(p);
  return new HTTPFetchError(p.message, { status: p.status, statusText: p.statusText ?? '', headers: new Headers(p.headers ?? []), body: p.body ?? '' });
}

/** A client whose reply and push run in `worker` (started with LINE's part, see platform-call-worker.ts). */
export function lineWorkerClient(worker: CallWorker): LineWorkerClient {
  return {
    replyMessage: (req) => worker.call('line.replyMessage', [req], revive) as Promise<messagingApi.ReplyMessageResponse>,
    pushMessage: (req, retryKey) => worker.call('line.pushMessage', [req, retryKey], revive) as Promise<messagingApi.PushMessageResponse>,
  };
}
