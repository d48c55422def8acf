/**
 * LINE's reply and push, made in the platform call worker (`line-call-worker.ts`). Under a burst
 * the SDK's fetch was about a fifth of the main thread's time, and the main thread is where every
 * webhook is answered; the worker runs it on the other core. The sender sees the SDK client's
 * methods and errors of its shape: an HTTP error comes back as a {@link LineApiError} with its
 * status and headers, anything else (a refused connection) as an Error with its name and cause code.
 */
import type { messagingApi } from '@line/bot-sdk';
import { type CallWorker, type PlainError, reviveBasics } from '../../core/call-worker.ts';
import { requiredLazily } from '../../core/lazily.ts';
import { LineApiError } from './line-api-error.ts';

/** The calls the worker makes. */
export type LineWorkerClient = Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'>;

/**
 * Node's table of HTTP status texts, through `require` on the first error: an ESM import of
 * `node:http` reads every export, and one of them loads Node's own fetch (30 ms of a start).
 */
const nodeHttp = requiredLazily<typeof import('node:http')>('node:http');

/** The worker's plain error as the SDK would have thrown it: its status text and message are added here. */
function revive(p: PlainError): Error {
  if (p.status === undefined) return reviveBasics(p);
  const statusText = nodeHttp().STATUS_CODES[p.status] ?? '';
  return new LineApiError(`${p.status} - ${statusText}`, { status: p.status, statusText, headers: new Headers(p.headers ?? []), body: p.body ?? '' });
}

/** A client whose reply and push run in `worker` (started with LINE's part, see platform-call-worker.ts). */
export function lineWorkerClient(worker: CallWorker): LineWorkerClient {
  return {
    replyMessage: (req) => worker.call('line.replyMessage', [req], revive) as Promise<messagingApi.ReplyMessageResponse>,
    pushMessage: (req, retryKey) => worker.call('line.pushMessage', [req, retryKey], revive) as Promise<messagingApi.PushMessageResponse>,
  };
}
