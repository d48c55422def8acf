/**
 * Start-up and memory, as an operator sees them: what `npm start` runs (`node src/main.mjs`, with
 * the allocator setting it gives, decision 0046), timed
 * from spawn to its first answer through the simulator.
 * - first start: a fresh data folder and an empty compile cache (a new install: nothing cached);
 * - restart: the same data folder and compile cache again (a deploy without changes, or a crash);
 *   the median of several, with the CPU time the process used until its first answer (less
 *   disturbed than the wall time when other work shares the machine);
 * - restart with LINE and Telegram configured (webhook mode, against the load bench's fake
 *   platform): from spawn until the answer to one signed LINE webhook, posted as soon as the port
 *   accepts connections, has reached the fake API (the call worker's start included): what a
 *   deployment with channels waits after a crash;
 * then the resident memory of the last one with 10,000 live sessions (one opening message each):
 * at the end of the burst that opened them (the peak, with the kernel's high-water mark), and
 * settled, once the server has handed back what the burst left in V8's heap after half a minute of
 * quiet (`src/ops/memory-release.ts`, decision 0029) and stopped the idle platform call worker
 * (decision 0030); read every 0.25 s until it makes no new low, at most {@link SETTLE_MAX_MS}. The
 * target is the settled figure: it is what the process holds while 10,000 conversations are open;
 * the peak is what a burst of 50 at a time costs on top until the wave is over. Both are printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type FakePlatform, startFakePlatform } from './load/fake-platform.ts';
import { lineTextWebhook } from './load/line-webhooks.ts';
import { runRound } from './load/round.ts';
import { LINE_SECRET, SERVER_COMMAND, startTarget } from './load/targets.ts';

const SESSIONS = 10_000;
const CONCURRENCY = 50;
const RESTARTS = 5;
const TARGET_MS = 500;
const TARGET_MB = 150;
/** The longest the process is left quiet for its memory to settle (the release and the call worker's stop each wait for 30 quiet seconds). */
const SETTLE_MAX_MS = 70_000;

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function procStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(procStatus(pid))?.[1] ?? Number.NaN) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system) the process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function say(base: string, user: string, text: string): Promise<Response> {
  return fetch(`${base}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, text }) });
}

/** How long the RSS must go without a new low (by {@link SETTLE_STEP_MB}) before it counts as settled. */
const SETTLE_HOLD_MS = 10_000;
const SETTLE_STEP_MB = 1;

/**
 * Waits until the RSS has fallen by a quarter from `burstMb` (the release ran) and then made no new
 * low for {@link SETTLE_HOLD_MS}, at most {@link SETTLE_MAX_MS}. Two things hand memory back after
 * a burst, each after 30 quiet seconds and not always in the same second (the memory release and
 * the call worker's stop, decisions 0029 and 0030), and the kernel's count falls further for some
 * seconds after each: the first drop alone is not the settled figure.
 */
async function settle(pid: number, burstMb: number): Promise<{ mb: number; seconds: number; released: boolean }> {
  const quietFrom = performance.now();
  let released = false;
  let low = Number.POSITIVE_INFINITY;
  let lowAt = quietFrom;
  while (performance.now() - quietFrom < SETTLE_MAX_MS) {
    await sleep(250);
    const mb = rssMb(pid);
    if (mb < low - SETTLE_STEP_MB) {
      low = mb;
      lowAt = performance.now();
    }
    if (mb < burstMb * 0.75) released = true;
    if (released && performance.now() - lowAt > SETTLE_HOLD_MS) break;
  }
  return { mb: rssMb(pid), seconds: (performance.now() - quietFrom) / 1000, released };
}

/**
 * The same with LINE and Telegram configured (webhook mode, against the load bench's fake platform):
 * what a deployment with channels holds. Closed-loop rounds of signed webhooks from new users, 50
 * connections, until at least {@link SESSIONS} conversations are open.
 */
async function webhookMemory(): Promise<string[]> {
  const fake = await startFakePlatform();
  try {
    const restarts = await channelRestarts(fake);
    const t = await startTarget('tangrod', fake.origin);
    try {
      await sleep(1500);
      const idleMb = t.rssMb();
      let sent = 0;
      for (let round = 1; sent < SESSIONS; round++) sent += (await runRound(t, fake, round, { platform: round % 2 ? 'line' : 'telegram', seconds: 4, connections: CONCURRENCY })).sent;
      const burstMb = t.rssMb();
      const peakMb = rssMb(t.pid, 'VmHWM');
      const live = await settle(t.pid, burstMb);
      return [
        ...restarts,
        `memory:        with LINE and Telegram configured: RSS ${idleMb.toFixed(0)} MB after start; ${burstMb.toFixed(0)} MB after ${sent.toLocaleString('en')} new users' webhooks, ${CONCURRENCY} at a time (peak ${peakMb.toFixed(0)} MB); ${live.mb.toFixed(0)} MB ${live.seconds.toFixed(0)} s later (${live.released ? 'what it left handed back' : 'no release seen'})  target < ${TARGET_MB} MB ${live.mb < TARGET_MB ? 'ok' : 'MISSED'}`,
      ];
    } finally {
      await t.stop();
    }
  } finally {
    await fake.close();
  }
}

/**
 * Restarts with LINE and Telegram configured: spawn to the first LINE answer at the fake API, the
 * median of {@link RESTARTS} after a first start (which fills the data folder and compile cache).
 */
async function channelRestarts(fake: FakePlatform): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-start-channels-'));
  try {
    const times: number[] = [];
    for (let i = 0; i <= RESTARTS; i++) {
      const round = 1_000 + i;
      const rec = fake.record(round, 1);
      const t0 = performance.now();
      const t = await startTarget('tangrod', fake.origin, {}, dataDir);
      try {
        const res = await fetch(`${t.url}/webhooks/line`, { method: 'POST', ...lineTextWebhook(round, 0, 'hello', LINE_SECRET) });
        await res.arrayBuffer();
        while (rec.first[0] === 0) {
          if (performance.now() - t0 > 15_000) throw new Error('no answer to the LINE webhook within 15 s');
          await sleep(2);
        }
        if (i > 0) times.push(rec.first[0]! - (performance.timeOrigin + t0));
      } finally {
        await t.stop();
      }
    }
    const ms = median(times);
    return [
      `start-up:      restart with LINE and Telegram ${ms.toFixed(0)} ms from spawn to the first LINE answer at the platform, median of ${RESTARTS} (${times.map((x) => x.toFixed(0)).join(' ')})  target < ${TARGET_MS} ms ${ms < TARGET_MS ? 'ok' : 'MISSED'}`,
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Started {
  child: ChildProcess;
  base: string;
  firstAnswerMs: number;
  cpuMs: number;
}

/** Spawns the server and waits for its first answer. */
async function start(dataDir: string, compileCache: string): Promise<Started> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, SERVER_COMMAND.args, {
    env: { ...process.env, ...SERVER_COMMAND.env, DATA_DIR: dataDir, NODE_COMPILE_CACHE: compileCache, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'development', SIMULATOR: 'on' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let tries = 0; tries < 3000; tries++) {
    try {
      const res = await say(base, 'bench-first', 'hello');
      if (res.ok) {
        await res.arrayBuffer();
        return { child, base, firstAnswerMs: performance.now() - t0, cpuMs: cpuMs(child.pid!) };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await stop(child);
  throw new Error('the server did not answer within 15 s');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Measures start-up and memory; returns the lines to print. */
export async function benchStartup(): Promise<string[]> {
  const simulator = await startupAndSimulatorMemory();
  return [...simulator, ...(await webhookMemory())];
}

/** Start-up, and memory with sessions opened over the simulator (no channel configured). */
async function startupAndSimulatorMemory(): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-start-'));
  const compileCache = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-compile-'));
  try {
    const first = await start(dataDir, compileCache);
    await stop(first.child);
    const restarts: Started[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const s = await start(dataDir, compileCache);
      restarts.push(s);
      if (i < RESTARTS - 1) await stop(s.child);
    }
    const last = restarts.at(-1)!;
    const pid = last.child.pid!;
    try {
      const idleMb = rssMb(pid);
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < SESSIONS) {
            const n = next++;
            await (await say(last.base, `bench-session-${n}`, 'hello')).arrayBuffer();
          }
        }),
      );
      const burstMb = rssMb(pid);
      const peakMb = rssMb(pid, 'VmHWM');
      const live = await settle(pid, burstMb);
      const restartMs = median(restarts.map((s) => s.firstAnswerMs));
      return [
        `start-up:      first start ${first.firstAnswerMs.toFixed(0)} ms (fresh data folder, empty compile cache; CPU ${first.cpuMs.toFixed(0)} ms)`,
        `start-up:      restart ${restartMs.toFixed(0)} ms from spawn to the first answer, median of ${RESTARTS} (${restarts.map((s) => s.firstAnswerMs.toFixed(0)).join(' ')}; CPU median ${median(restarts.map((s) => s.cpuMs)).toFixed(0)} ms)  target < ${TARGET_MS} ms ${restartMs < TARGET_MS ? 'ok' : 'MISSED'}`,
        `memory:        RSS ${idleMb.toFixed(0)} MB after start; ${burstMb.toFixed(0)} MB at the end of the burst opening ${SESSIONS.toLocaleString('en')} sessions ${CONCURRENCY} at a time (peak ${peakMb.toFixed(0)} MB)`,
        `memory:        RSS ${live.mb.toFixed(0)} MB with the ${SESSIONS.toLocaleString('en')} sessions still live, ${live.seconds.toFixed(0)} s after the burst (${live.released ? 'what it left handed back' : 'no release seen'})  target < ${TARGET_MB} MB ${live.mb < TARGET_MB ? 'ok' : 'MISSED'}`,
      ];
    } finally {
      await stop(last.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(compileCache, { recursive: true, force: true });
  }
}

// `node bench/startup.ts`: this part alone.
if (import.meta.main) for (const line of await benchStartup()) console.log(line);
