/**
 * LINE's reply and push as the platform call worker serves them (see `../platform-call-worker.ts`
 * and `line-worker-client.ts`): the two endpoints of the SDK's client, posted with
 * {@link postJson} (decision 0032). An answer that is not 2xx becomes the SDK's own
 * {@link HTTPFetchError}, as the SDK's client would throw it, so the sender reads it as before.
 */
import { STATUS_CODES } from 'node:http';
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import { type Plain, plainBasics, type Served } from '../../core/call-worker.ts';
import { postJson } from '../json-post.ts';

/** What the worker needs for LINE. */
export interface LineWorkerData {
  channelAccessToken: string;
  baseURL: string;
}

/** The methods (`line.replyMessage`, `line.pushMessage`) and how their errors cross. */
export function lineServed({ channelAccessToken, baseURL }: LineWorkerData): { methods: Served; plain: Plain } {
  const root = baseURL.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${channelAccessToken}` };
  const post = async (path: string, req: unknown, headers: Record<string, string>): Promise<unknown> => {
    const answer = await postJson(`${root}${path}`, headers, JSON.stringify(req));
    if (answer.status < 200 || answer.status >= 300) {
      const statusText = STATUS_CODES[answer.status] ?? '';
      throw new HTTPFetchError(`${answer.status} - ${statusText}`, { status: answer.status, statusText, headers: new Headers(answer.headers), body: answer.text });
    }
    return answer.text ? (JSON.parse(answer.text) as unknown) : null;
  };
  return {
    methods: {
      'line.replyMessage': (req: messagingApi.ReplyMessageRequest) => post('/v2/bot/message/reply', req, auth),
      'line.pushMessage': (req: messagingApi.PushMessageRequest, retryKey?: string) => post('/v2/bot/message/push', req, retryKey ? { ...auth, 'x-line-retry-key': retryKey } : auth),
    },
    // The SDK's HTTP error with what the sender reads of it: status, headers (Retry-After), body.
    plain: (err) => (err instanceof HTTPFetchError ? { ...plainBasics(err), status: err.status, statusText: err.statusText, headers: [...err.headers.entries()], body: err.body } : undefined),
  };
}
