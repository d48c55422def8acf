import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostFailed, postJson } from '../src/channels/json-post.ts';

/** A platform API on loopback: each path answers one way, and every request it read is kept. */
let server: Server;
let origin: string;
const seen: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];

const answers: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'application/json', 'x-line-request-id': 'r-1' }).end('{"ok":true}'),
  '/limited': (res) => res.writeHead(429, { 'retry-after': '3' }).end('{"message":"rate limited"}'),
  // Headers and half a body, then the connection is cut: no whole answer came.
  '/cut': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"ok":');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/never': () => {},
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answers[req.url ?? '']?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('postJson', () => {
  it('sends the JSON with its length in bytes and returns status, headers and text', async () => {
    const body = JSON.stringify({ text: 'โทร 1300 ได้ตลอด 24 ชั่วโมง' });
    const answer = await postJson(`${origin}/ok`, { authorization: 'Bearer t' }, body);
    expect(answer).toEqual({ status: 200, headers: expect.objectContaining({ 'x-line-request-id': 'r-1' }), text: '{"ok":true}' });
    const request = seen.find((r) => r.path === '/ok')!;
    expect(request.body).toBe(body);
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: 'Bearer t' });
  });

  it('returns a refusal as an answer, not a failure', async () => {
    const answer = await postJson(`${origin}/limited`, {}, '{}');
    expect([answer.status, answer.headers['retry-after'], answer.text]).toEqual([429, '3', '{"message":"rate limited"}']);
  });

  it.each([
    ['a refused connection', () => postJson('http://127.0.0.1:1/x', {}, '{}'), 'ECONNREFUSED'],
    ['an answer cut off in the middle', () => postJson(`${origin}/cut`, {}, '{}'), 'ECONNRESET'],
    ['an abort', () => postJson(`${origin}/never`, {}, '{}', AbortSignal.timeout(50)), 'ABORT_ERR'],
  ])('rejects with PostFailed for %s, with the cause and its code', async (_, call, code) => {
    const err = (await call().catch((e: unknown) => e)) as PostFailed & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(PostFailed);
    expect(err.cause?.code).toBe(code);
  });

  it('names a Telegram path without its token', async () => {
    const err = (await postJson('http://127.0.0.1:1/bot123:SECRET/sendMessage', {}, '{}').catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('POST /bot<token>/sendMessage failed');
  });
});
