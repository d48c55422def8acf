/**
 * LINE's reply and push as the platform call worker serves them (see `../platform-call-worker.ts`
 * and `line-worker-client.ts`): the SDK's client, pointed at the configured API.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { type Plain, plainBasics, type Served } from '../../core/call-worker.ts';

/** What the worker needs for LINE. */
export interface LineWorkerData {
  channelAccessToken: string;
  baseURL: string;
}

/** The methods (`line.replyMessage`, `line.pushMessage`) and how their errors cross. */
export function lineServed({ channelAccessToken, baseURL }: LineWorkerData): { methods: Served; plain: Plain } {
  const client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });
  return {
    methods: {
      'line.replyMessage': (req: messagingApi.ReplyMessageRequest) => client.replyMessage(req),
      'line.pushMessage': (req: messagingApi.PushMessageRequest, retryKey?: string) => client.pushMessage(req, retryKey),
    },
    // The SDK's HTTP error with what the sender reads of it: status, headers (Retry-After), body.
    plain: (err) => (err instanceof HTTPFetchError ? { ...plainBasics(err), status: err.status, statusText: err.statusText, headers: [...err.headers.entries()], body: err.body } : undefined),
  };
}
