/**
 * Platform calls made in a worker thread (src/core/call-worker.ts and the LINE and Telegram
 * clients over it): what the senders see must be what the SDKs themselves give (for LINE, an error of
 * the SDK's HTTPFetchError's shape, line-api-error.ts), over real HTTP to
 * fakes on 127.0.0.1, and a worker that dies must fail its calls, not hold them.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isLineApiError, LineApiError } from '../src/channels/line/line-api-error.ts';
import { lineWorkerClient } from '../src/channels/line/line-worker-client.ts';
import { LineSender } from '../src/channels/line/line-sender.ts';
import { BotApiError, isBotApiError, isBotApiNetworkError } from '../src/channels/telegram/telegram-api-error.ts';
import { telegramWorkerClient } from '../src/channels/telegram/telegram-worker-client.ts';
import { toDeliveryError } from '../src/channels/telegram/telegram-sender.ts';
import type { PlatformWorkerData } from '../src/channels/platform-call-worker.ts';
import { CallWorker } from '../src/core/call-worker.ts';
import { DeliveryError } from '../src/delivery/channel-sender.ts';
import { startFakeLine } from './fakes/fake-line.ts';
import { startFakeTelegram } from './fakes/fake-telegram.ts';
import { freePort } from './helpers/process.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** The platform call worker as channels.ts starts it, for the channels given. */
function platformWorker(data: PlatformWorkerData): CallWorker {
  const worker = new CallWorker(new URL('../src/channels/platform-call-worker.ts', import.meta.url), data);
  closing.push(() => worker.close());
  return worker;
}

describe('LINE calls in a worker thread', () => {
  it('replies and pushes through the SDK, and gives back its HTTP errors with status and headers', async () => {
    const line = await startFakeLine();
    closing.push(() => line.close());
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'test-line-token', baseURL: line.origin } }));

    await client.replyMessage({ replyToken: 'r1', messages: [{ type: 'text', text: 'สวัสดี' }] });
    await client.pushMessage({ to: 'U1', messages: [{ type: 'text', text: 'hello' }] }, '0b8f3c8e-6f1a-4d7e-9a55-3f1f2f6b7c11');
    expect(line.delivered().map((c) => [c.kind, c.replyToken ?? c.to, c.retryKey, c.messages[0]!.text])).toEqual([
      ['reply', 'r1', undefined, 'สวัสดี'],
      ['push', 'U1', '0b8f3c8e-6f1a-4d7e-9a55-3f1f2f6b7c11', 'hello'],
    ]);

    line.pushFailures.push({ status: 429, retryAfter: '7' });
    const limited = await client.pushMessage({ to: 'U1', messages: [{ type: 'text', text: 'again' }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(LineApiError);
    expect(isLineApiError(limited)).toBe(true);
    expect((limited as LineApiError).status).toBe(429);
    expect((limited as LineApiError).headers.get('retry-after')).toBe('7');
    expect([(limited as LineApiError).statusText, (limited as LineApiError).message]).toEqual(['Too Many Requests', '429 - Too Many Requests']);
  });

  it('answers each of many calls made at once with its own result, one of them refused', async () => {
    const line = await startFakeLine();
    closing.push(() => line.close());
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'test-line-token', baseURL: line.origin } }));
    line.pushFailures.push({ status: 429, retryAfter: '3' });
    // Made in the same turn: they cross to the worker together, and their answers come back together.
    const results = await Promise.allSettled(['U1', 'U2', 'U3', 'U4', 'U5'].map((to) => client.pushMessage({ to, messages: [{ type: 'text', text: `to ${to}` }] })));
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as LineApiError).status)).toEqual([429]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(line.delivered().map((c) => c.to).sort()).toEqual(
      ['U1', 'U2', 'U3', 'U4', 'U5'].filter((_, i) => results[i]!.status === 'fulfilled').sort(),
    );
  });

  it('lets the sender fall back to a push when LINE refuses the reply token, and read Retry-After', async () => {
    const line = await startFakeLine();
    closing.push(() => line.close());
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'test-line-token', baseURL: line.origin } }));
    const store = { takeReplyToken: async () => 'spent-token', setRetryKeys: async () => undefined } as never;
    const sender = new LineSender({ client, store, clock: () => new Date(), moreLabel: async () => '' });
    const row = { id: 1, channel: 'line', recipient: 'U9', kind: 'reply' as const, payload: { text: 'Are you safe?' }, status: 'pending', attempts: 0, replyTo: 'ev1', retryKey: null, partsSent: 0, urgent: false };

    line.replyStatus = 400;
    const done: number[] = [];
    await sender.send('U9', [row as never], async (id) => void done.push(id));
    expect(line.calls.map((c) => [c.kind, c.status])).toEqual([
      ['reply', 400],
      ['push', 200],
    ]);
    expect(done).toEqual([1]);

    line.pushFailures.push({ status: 429, retryAfter: '7' });
    const err = await sender.send('U9', [{ ...row, id: 2, replyTo: null } as never], async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect([(err as DeliveryError).failure, (err as DeliveryError).retryAfterMs]).toEqual(['transient', 7000]);
  });

  it('gives a refused connection back as an error with its cause code', async () => {
    const port = await freePort();
    const client = lineWorkerClient(platformWorker({ line: { channelAccessToken: 'token', baseURL: `http://127.0.0.1:${port}` } }));
    const err = (await client.replyMessage({ replyToken: 'r', messages: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e)) as Error & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(Error);
    expect(isLineApiError(err)).toBe(false);
    expect(err.cause?.code).toBe('ECONNREFUSED');
  });
});

describe('Telegram calls in a worker thread', () => {
  it('sends through grammY and gives back Bot API errors in the shape of GrammyError, with their parameters', async () => {
    const token = '123:worker-test';
    const tg = await startFakeTelegram(token);
    closing.push(() => tg.close());
    const client = telegramWorkerClient(platformWorker({ telegram: { token, apiRoot: tg.apiRoot, timeoutSeconds: 5 } }));

    const sent = await client.sendMessage('42', 'ສະບາຍດີ', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } });
    expect(sent.message_id).toBeGreaterThan(0);
    expect(tg.sent.map((m) => [m.chat_id, m.text, m.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data])).toEqual([['42', 'ສະບາຍດີ', 'yes']]);

    tg.sendFailures.push({ error_code: 429, description: 'Too Many Requests', retry_after: 3 }, { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const limited = await client.sendMessage('42', 'again').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(BotApiError);
    expect(isBotApiError(limited) && [limited.error_code, limited.parameters.retry_after]).toEqual([429, 3]);
    expect([toDeliveryError(limited).failure, toDeliveryError(limited).retryAfterMs]).toEqual(['transient', 3000]);
    const blocked = await client.sendMessage('42', 'again').catch((e: unknown) => e);
    expect(toDeliveryError(blocked).failure).toBe('unreachable');
  });
});

describe('Telegram calls in a worker thread, without an answer', () => {
  it('gives a refused connection back as a network error, to be tried again', async () => {
    const port = await freePort();
    const client = telegramWorkerClient(platformWorker({ telegram: { token: '1:x', apiRoot: `http://127.0.0.1:${port}`, timeoutSeconds: 5 } }));
    const err = (await client.sendMessage('42', 'hello').catch((e: unknown) => e)) as Error & { cause?: { code?: string } };
    expect(isBotApiNetworkError(err)).toBe(true);
    expect(isBotApiError(err)).toBe(false);
    expect(err.message).not.toContain('1:x');
    expect(err.cause?.code).toBe('ECONNREFUSED');
    expect(toDeliveryError(err).failure).toBe('transient');
  });
});

describe('a worker that dies', () => {
  it('fails the calls it held and serves the next call from a new worker', async () => {
    const worker = new CallWorker(new URL('./fakes/dying-worker.ts', import.meta.url), undefined);
    closing.push(() => worker.close());
    expect(await worker.call('echo', [{ a: 1 }])).toEqual({ a: 1 });
    const failed = (await worker.call('fail', ['socket hang up']).catch((e: unknown) => e)) as Error & { cause?: { code?: string } };
    expect([failed.name, failed.message, failed.cause?.code]).toEqual(['TypeError', 'socket hang up', 'ECONNRESET']);
    const died = (await worker.call('die', []).catch((e: unknown) => e)) as Error;
    expect(died.message).toMatch(/exited \(3\)/);
    expect(await worker.call('echo', ['after'])).toBe('after');
  });

  it('fails the calls of a batch it died in, and the calls made on their failure go to the next', async () => {
    const worker = new CallWorker(new URL('./fakes/dying-worker.ts', import.meta.url), undefined);
    closing.push(() => worker.close());
    const retried: Promise<unknown>[] = [];
    const batch = await Promise.allSettled(
      [worker.call('echo', [1]), worker.call('die', []), worker.call('echo', [2])].map((p) =>
        p.catch((err: unknown) => {
          // As the dispatcher does: a failed call is made again at once, here in the same turn.
          retried.push(worker.call('echo', ['again']), worker.call('echo', ['and again']));
          throw err;
        }),
      ),
    );
    // The call that killed it, and the one after it, fail; the one before may have been answered.
    expect(batch.slice(1).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const failures = batch.filter((r) => r.status === 'rejected').length;
    expect(await Promise.all(retried)).toEqual(Array.from({ length: failures }, () => ['again', 'and again']).flat());
  });
});

describe('a worker with nothing to do', () => {
  // The process's threads, as the kernel counts them: a stopped worker's thread is gone.
  const threads = () => readdirSync('/proc/self/task').length;
  const stopped = async (worker: CallWorker, before: number) => {
    for (let i = 0; i < 200 && (worker.running || threads() > before); i++) await new Promise((r) => setTimeout(r, 20));
    return !worker.running && threads() <= before;
  };

  it('is stopped once no call is in flight for its idle time, and the next call starts another', async () => {
    const before = threads();
    const worker = new CallWorker(new URL('./fakes/dying-worker.ts', import.meta.url), undefined, { idleMs: 100 });
    closing.push(() => worker.close());
    expect(await worker.call('echo', ['first'])).toBe('first');
    expect(threads()).toBeGreaterThan(before);
    expect(await stopped(worker, before)).toBe(true);
    expect(await worker.call('echo', ['after a pause'])).toBe('after a pause');
    expect(worker.running).toBe(true);
  });

  it('is not stopped under a call that takes longer than its idle time', async () => {
    const worker = new CallWorker(new URL('./fakes/dying-worker.ts', import.meta.url), undefined, { idleMs: 50 });
    closing.push(() => worker.close());
    await worker.call('echo', ['start']);
    // Started after the first answer's idle timer: the worker must stay for it.
    expect(await worker.call('wait', [400])).toBe(400);
  });

  it('is stopped too when it was started ahead of any call (warm) and none came', async () => {
    const before = threads();
    const worker = new CallWorker(new URL('./fakes/dying-worker.ts', import.meta.url), undefined, { idleMs: 100 });
    closing.push(() => worker.close());
    worker.warm();
    expect(worker.running).toBe(true);
    expect(await stopped(worker, before)).toBe(true);
    expect(await worker.call('echo', ['late'])).toBe('late');
  });
});
