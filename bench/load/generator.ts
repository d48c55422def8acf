/**
 * The load generator of the load bench, run in a worker thread (its own event loop, so that it
 * neither waits on the fake platform nor slows it): autocannon posting signed webhooks, each a
 * text message from a user of its own, and noting when each was sent in a shared array.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { lineUser, replyToken, telegramChat } from './fake-platform.ts';

/** What the worker is given. */
export interface GeneratorJob {
  url: string;
  platform: 'line' | 'telegram';
  round: number;
  connections: number;
  seconds: number;
  /** Events per second over all connections (open loop); closed loop when absent. */
  rate?: number;
  lineSecret: string;
  telegramSecret: string;
  /** Float64Array: when event `seq` was sent (absolute ms). */
  sent: SharedArrayBuffer;
  /** Every nth event says the person is in danger now. */
  dangerEvery: number;
}

/** What it reports. */
export interface GeneratorResult {
  events: number;
  non2xx: number;
  errors: number;
  ackP50: number;
  ackP99: number;
  seconds: number;
}

/** The texts: a first message, and one that reads as danger now. */
export const HELLO = 'hello';
export const DANGER = 'they locked me in and took my passport, help';

const job = workerData as GeneratorJob;
const sent = new Float64Array(job.sent);
let seq = 0;

function lineBody(n: number): { body: string; headers: Record<string, string> } {
  const text = n % job.dangerEvery === job.dangerEvery - 1 ? DANGER : HELLO;
  const event = {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId: lineUser(job.round, n) },
    webhookEventId: `01BENCH${job.round}X${n}`,
    deliveryContext: { isRedelivery: false },
    replyToken: replyToken(job.round, n),
    message: { id: `${job.round}${n}`, type: 'text', text, quoteToken: 'q' },
  };
  const body = JSON.stringify({ destination: 'Ubench', events: [event] });
  return { body, headers: { 'content-type': 'application/json', 'x-line-signature': createHmac('sha256', job.lineSecret).update(body).digest('base64') } };
}

function telegramBody(n: number): { body: string; headers: Record<string, string> } {
  const text = n % job.dangerEvery === job.dangerEvery - 1 ? DANGER : HELLO;
  const id = telegramChat(job.round, n);
  const from = { id, is_bot: false, first_name: 'Bench', language_code: 'en' };
  const update = { update_id: id, message: { message_id: n + 1, date: Math.floor(Date.now() / 1000), chat: { id, type: 'private', first_name: 'Bench' }, from, text } };
  return { body: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': job.telegramSecret } };
}

const started = performance.now();
// In a worker thread autocannon leaves its result raw (it expects to be one of its own workers),
// so the acks are counted and timed here.
const latencies: number[] = [];
let non2xx = 0;
const instance = autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  ...(job.rate ? { overallRate: job.rate } : {}),
  requests: [
    {
      method: 'POST',
      path: job.platform === 'line' ? '/webhooks/line' : '/webhooks/telegram',
      setupRequest: (req) => {
        const n = seq++;
        if (n >= sent.length) return req;
        const { body, headers } = job.platform === 'line' ? lineBody(n) : telegramBody(n);
        sent[n] = performance.timeOrigin + performance.now();
        return { ...req, body, headers };
      },
    },
  ],
}) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
instance.on('response', (_client, statusCode, _bytes, ms) => {
  latencies.push(ms);
  if (statusCode < 200 || statusCode > 299) non2xx++;
});
const raw = (await instance) as unknown as { errors: number; timeouts: number };
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
const out: GeneratorResult = {
  events: Math.min(seq, sent.length),
  non2xx,
  errors: raw.errors + raw.timeouts,
  ackP50: at(0.5),
  ackP99: at(0.99),
  seconds: (performance.now() - started) / 1000,
};
parentPort!.postMessage(out);
