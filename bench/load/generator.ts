/**
 * The load generator of the load bench, run in a worker thread (its own event loop, so that it
 * neither waits on the fake platform nor slows it) posting signed webhooks, each a text message
 * from a user of its own, and noting when each was sent in a shared array: autocannon for a closed
 * loop, evenly spaced requests of undici's pool for an open loop.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { telegramChat } from './fake-platform.ts';
import { lineHeaders, lineTextWebhook } from './line-webhooks.ts';

/** What the worker is given. */
export interface GeneratorJob {
  url: string;
  platform: 'line' | 'telegram';
  round: number;
  connections: number;
  seconds: number;
  /** Events per second over all connections (open loop); closed loop when absent. */
  rate?: number;
  /** Send the rate as autocannon does: each second's events at once, at its start. */
  bursts?: boolean;
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
  return lineTextWebhook(job.round, n, n % job.dangerEvery === job.dangerEvery - 1 ? DANGER : HELLO, job.lineSecret);
}

function telegramBody(n: number): { body: string; headers: Record<string, string> } {
  const text = n % job.dangerEvery === job.dangerEvery - 1 ? DANGER : HELLO;
  const id = telegramChat(job.round, n);
  const from = { id, is_bot: false, first_name: 'Bench', language_code: 'en' };
  const update = { update_id: id, message: { message_id: n + 1, date: Math.floor(Date.now() / 1000), chat: { id, type: 'private', first_name: 'Bench' }, from, text } };
  return { body: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': job.telegramSecret } };
}

const started = performance.now();
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;
const path = job.platform === 'line' ? '/webhooks/line' : '/webhooks/telegram';

/** The next event's body, with the time it is sent noted; undefined past the shared array's end. */
function nextEvent(at: number): { body: string; headers: Record<string, string> } | undefined {
  const n = seq++;
  if (n >= sent.length) return undefined;
  const event = job.platform === 'line' ? lineBody(n) : telegramBody(n);
  sent[n] = at;
  return event;
}

/**
 * Closed loop: autocannon, each connection sending its next event when the last is answered; or,
 * with `bursts`, autocannon's rate: each second's events sent as fast as the connections allow at
 * the start of the second (a backlog once a second, to see the danger path go first). In a
 * worker thread autocannon leaves its result raw (it expects to be one of its own workers), so the
 * acks are counted and timed here.
 */
async function closedLoop(): Promise<void> {
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    ...(job.bursts && job.rate ? { overallRate: job.rate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const event = nextEvent(performance.timeOrigin + performance.now());
          return event ? { ...req, ...event } : req;
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    latencies.push(ms);
    if (statusCode < 200 || statusCode > 299) non2xx++;
  });
  const raw = (await instance) as unknown as { errors: number; timeouts: number };
  errors += raw.errors + raw.timeouts;
}

/**
 * Open loop at `rate` events per second, evenly spaced (unlike autocannon's rate, see
 * {@link closedLoop}): event n is due at n / rate seconds, and its times (ack, answers) count from
 * then, even when every connection is busy and it leaves later (no coordinated omission).
 */
async function openLoop(rate: number): Promise<void> {
  const pool = new Pool(new URL(job.url).origin, { connections: job.connections, pipelining: 1 });
  // The pool's connections opened, and its code warm, before the clock starts: otherwise the
  // first events wait for this thread, and count it as the server's time. With LINE, a signed
  // webhook without events (what the console's "Verify" sends): no event, no work, an answer.
  if (job.platform === 'line') {
    const body = JSON.stringify({ destination: 'Ubench', events: [] });
    const headers = lineHeaders(body, job.lineSecret);
    const warm = Array.from({ length: Math.min(job.connections, 50) }, () => pool.request({ method: 'POST', path, headers, body }).then((r) => r.body.dump()));
    await Promise.all(warm);
  }
  const t0 = performance.now();
  const total = Math.floor(job.seconds * rate);
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  const send = (due: number) => {
    const event = nextEvent(performance.timeOrigin + due);
    if (!event) return;
    const p: Promise<void> = pool
      .request({ method: 'POST', path, headers: event.headers, body: event.body })
      .then(async (res) => {
        await res.body.dump();
        latencies.push(performance.now() - due);
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
      })
      .catch(() => void errors++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  while (issued < total) {
    const now = performance.now();
    const dueNow = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
    for (; issued < dueNow; issued++) send(t0 + (issued * 1000) / rate);
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  await pool.close();
}

if (job.rate && !job.bursts) await openLoop(job.rate);
else await closedLoop();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
const out: GeneratorResult = {
  events: Math.min(seq, sent.length),
  non2xx,
  errors,
  ackP50: at(0.5),
  ackP99: at(0.99),
  seconds: (performance.now() - started) / 1000,
};
parentPort!.postMessage(out);
