/**
 * LINE's reply and push as the platform call worker serves them (see `../platform-call-worker.ts`
 * and `line-worker-client.ts`): the two endpoints of the SDK's client, posted with
 * {@link postJson} (decision 0032). An answer that is not 2xx crosses to the main thread with
 * what the SDK's `HTTPFetchError` holds, and becomes a `LineApiError` there (line-api-error.ts).
 * The worker does not load the SDK itself: it took 18 MB of the worker's memory for one class; nor
 * `node:http` (whose status texts the main thread adds), which loads Node's own fetch with it.
 */
import type { messagingApi } from '@line/bot-sdk';
import { type Plain, plainBasics, type Served } from '../../core/call-worker.ts';
import { postJson } from '../json-post.ts';

/** An answer of LINE's that is not 2xx, with what the SDK's `HTTPFetchError` would hold but its status text. */
class LineHttpError extends Error {
  override name = 'HTTPFetchError';
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: string;

  constructor(status: number, headers: [string, string][], body: string) {
    super(`HTTP ${status}`);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

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
      throw new LineHttpError(answer.status, Object.entries(answer.headers), answer.text);
    }
    return answer.text ? (JSON.parse(answer.text) as unknown) : null;
  };
  return {
    methods: {
      'line.replyMessage': (req: messagingApi.ReplyMessageRequest) => post('/v2/bot/message/reply', req, auth),
      'line.pushMessage': (req: messagingApi.PushMessageRequest, retryKey?: string) => post('/v2/bot/message/push', req, retryKey ? { ...auth, 'x-line-retry-key': retryKey } : auth),
    },
    // What the sender reads of the SDK's HTTP error: status, headers (Retry-After), body.
    plain: (err) => (err instanceof LineHttpError ? { ...plainBasics(err), status: err.status, headers: err.headers, body: err.body } : undefined),
  };
}
