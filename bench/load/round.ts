/**
 * One round of the load bench: a load generator against one server for a while, then the wait
 * until every event's answer reached the fake platform, and the figures of that round.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FakePlatform } from './fake-platform.ts';
import type { GeneratorJob, GeneratorResult } from './generator.ts';
import { LINE_SECRET, type Target, TELEGRAM_SECRET } from './targets.ts';

/** The most events one round may send. */
const MAX_EVENTS = 400_000;
/** How long to wait after the load for answers still to come. */
const DRAIN_LIMIT_MS = 120_000;

/** How a round drives its server. */
export interface RoundPlan {
  platform: 'line' | 'telegram';
  seconds: number;
  connections: number;
  /** Events per second offered (open loop); closed loop when absent. */
  rate?: number;
  /** The rate sent as a burst at the start of each second (autocannon's rate), not evenly spaced. */
  bursts?: boolean;
  /** Every nth event is a message that reads as danger now. */
  dangerEvery?: number;
}

/** The figures of a round. */
export interface RoundFigures {
  sent: number;
  /** Acknowledged (2xx) events per second of load. */
  ackRate: number;
  ackP99: number;
  /** Events whose whole answer arrived during the load, per second of load. */
  e2eRate: number;
  /** From the end of the load until the last answer arrived, in seconds. */
  backlogS: number;
  /** From sending an event to its first / last answer call, in ms. */
  firstP50: number;
  firstP99: number;
  lastP99: number;
  /** The same for the events that read as danger, and for the others. */
  dangerFirstP99: number;
  otherFirstP99: number;
  /** Platform calls per event, and CPU per event of the server. */
  callsPerEvent: number;
  cpuMsPerEvent: number;
  unanswered: number;
  failed: number;
}

const now = () => performance.timeOrigin + performance.now();

/** The pth percentile of `values` (nearest rank). */
export function pct(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs one round with a fresh `round` number (user ids are new each round). */
export async function runRound(target: Target, fake: FakePlatform, round: number, plan: RoundPlan): Promise<RoundFigures> {
  const sentBuf = new SharedArrayBuffer(MAX_EVENTS * 8);
  const sent = new Float64Array(sentBuf);
  const rec = fake.record(round, MAX_EVENTS);
  const dangerEvery = plan.dangerEvery ?? 10;
  const job: GeneratorJob = {
    url: target.url,
    platform: plan.platform,
    round,
    connections: plan.connections,
    seconds: plan.seconds,
    ...(plan.rate ? { rate: plan.rate } : {}),
    ...(plan.bursts ? { bursts: true } : {}),
    lineSecret: LINE_SECRET,
    telegramSecret: TELEGRAM_SECRET,
    sent: sentBuf,
    dangerEvery,
  };
  const cpu0 = target.cpuMs();
  const t0 = now();
  const gen = await new Promise<GeneratorResult>((resolve, reject) => {
    const worker = new Worker(new URL('./generator.ts', import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const t1 = now();
  const events = gen.events;
  // Wait for the answers: until every sent event has one and no call came for a while.
  const drainUntil = t1 + DRAIN_LIMIT_MS;
  let lastCount = -1;
  let quietSince = now();
  for (;;) {
    let answered = 0;
    let calls = 0;
    for (let i = 0; i < events; i++) {
      if (rec.first[i]! > 0) answered++;
      calls += rec.calls[i]!;
    }
    if (calls !== lastCount) (lastCount = calls), (quietSince = now());
    if ((answered >= events - gen.non2xx && now() - quietSince > 400) || now() > drainUntil) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpu1 = target.cpuMs();
  const first: number[] = [];
  const last: number[] = [];
  const danger: number[] = [];
  const other: number[] = [];
  let inWindow = 0;
  let lastAt = t1;
  let calls = 0;
  let unanswered = 0;
  for (let i = 0; i < events; i++) {
    const s = sent[i]!;
    if (s === 0) continue;
    if (rec.first[i] === 0) {
      unanswered++;
      continue;
    }
    const f = rec.first[i]! - s;
    first.push(f);
    last.push(rec.last[i]! - s);
    (i % dangerEvery === dangerEvery - 1 ? danger : other).push(f);
    if (rec.last[i]! <= t1) inWindow++;
    lastAt = Math.max(lastAt, rec.last[i]!);
    calls += rec.calls[i]!;
  }
  const loadS = (t1 - t0) / 1000;
  return {
    sent: events,
    ackRate: (events - gen.non2xx - gen.errors) / loadS,
    ackP99: gen.ackP99,
    e2eRate: inWindow / loadS,
    backlogS: (lastAt - t1) / 1000,
    firstP50: pct(first, 50),
    firstP99: pct(first, 99),
    lastP99: pct(last, 99),
    dangerFirstP99: pct(danger, 99),
    otherFirstP99: pct(other, 99),
    callsPerEvent: calls / Math.max(1, first.length),
    cpuMsPerEvent: (cpu1 - cpu0) / Math.max(1, events),
    unanswered,
    failed: gen.non2xx + gen.errors,
  };
}
