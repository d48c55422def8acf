/**
 * A JSON POST to a platform API over kept-alive connections, with Node's own `http` and `https`
 * (decision 0032, amended): the per-message calls of the platform call worker. The SDKs' own
 * transports (the global `fetch` for LINE, node-fetch for grammY) cost 0.17-0.28 ms of CPU per
 * call on this machine, Node's `request` 0.07-0.09 ms. undici's `request` was a little cheaper
 * still (0.065 ms), but loading undici took the worker 100-130 ms of CPU at every start, which a
 * restart's first answer waited for, and about 11 MB of memory for good.
 */
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { requiredLazily } from '../core/lazily.ts';

// Required, not imported: an ESM import of `node:http` reads every export, and one of them loads
// Node's own fetch (undici again, 40-80 ms of the worker's start).
const nodeHttp = requiredLazily<typeof import('node:http')>('node:http');
const nodeHttps = requiredLazily<typeof import('node:https')>('node:https');

/** What came back: the status and headers, and the body as text (the callers parse it). */
export interface PostAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** No answer came: a refused or broken connection, or an abort. Its cause is Node's error, with its `code` (ECONNREFUSED, ECONNRESET). */
export class PostFailed extends Error {
  override name = 'PostFailed';
}

/** Connections kept open between calls, as many as calls in flight (a platform answers each in turn); one agent per scheme. */
const agents = new Map<string, Agent>();

/** The `request` of `url`'s scheme, and its kept-alive agent. */
function transport(url: URL): { request: typeof import('node:http').request; agent: Agent } {
  const module = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
  let agent = agents.get(url.protocol);
  if (!agent) agents.set(url.protocol, (agent = new module.Agent({ keepAlive: true })));
  return { request: module.request, agent };
}

/** The headers as one string each (a repeated header joined with commas). */
function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/** POSTs `body` (already JSON) to `url`; rejects with {@link PostFailed} only when no answer came. */
export function postJson(url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<PostAnswer> {
  const target = new URL(url);
  const failed = (cause: unknown) => new PostFailed(`POST ${target.pathname.replace(/\/bot[^/]+\//, '/bot<token>/')} failed`, { cause });
  return new Promise((resolve, reject) => {
    const { request, agent } = transport(target);
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
        // The connection broke in the middle of the answer (Node's ECONNRESET, "aborted"): no whole answer came.
        res.once('error', (err) => reject(failed(err)));
      },
    );
    req.once('error', (err) => reject(failed(err)));
    req.end(body);
  });
}
