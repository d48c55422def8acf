/**
 * The worker thread that makes LINE's reply and push calls (see `line-worker-client.ts`): the
 * SDK's client, pointed at the configured API, serving them to the main thread.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { type PlainError, plainBasics, serveCalls, startData } from '../../core/call-worker.ts';

/** What the worker is started with. */
export interface LineWorkerData {
  channelAccessToken: string;
  baseURL: string;
}

const { channelAccessToken, baseURL } = startData<LineWorkerData>();
const client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });

/** The SDK's HTTP error with what the sender reads of it: status, headers (Retry-After), body. */
function plain(err: unknown): PlainError {
  if (!(err instanceof HTTPFetchError)) return plainBasics(err);
  return { ...plainBasics(err), status: err.status, statusText: err.statusText, headers: [...err.headers.entries()], body: err.body };
}

serveCalls(
  {
    replyMessage: (req: messagingApi.ReplyMessageRequest) => client.replyMessage(req),
    pushMessage: (req: messagingApi.PushMessageRequest, retryKey?: string) => client.pushMessage(req, retryKey),
  },
  plain,
);
