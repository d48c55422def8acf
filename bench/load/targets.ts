/**
 * The servers the load bench drives, each its own process: Tangrod as `npm start` runs it, and
 * the two echo bots. All point at the counting fake platform.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type NodeCommand, nodeCommandOf } from '../../test/helpers/process.ts';

export const LINE_SECRET = 'bench-line-secret';
export const LINE_TOKEN = 'bench-line-token';
export const TELEGRAM_TOKEN = '123456:bench-telegram-token';
export const TELEGRAM_SECRET = 'bench_webhook_secret';

/** Which server. */
export type TargetKind = 'tangrod' | 'line-echo' | 'grammy-echo';

/** A running server. */
export interface Target {
  kind: TargetKind;
  url: string;
  pid: number;
  /** CPU time the process has used so far, in milliseconds (user + system). */
  cpuMs(): number;
  /** Resident memory now, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on `port`. */
function listening(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('error', reject);
  });
}

/** Tangrod as `npm start` runs it, without npm in between: its node arguments and the variables it sets (the allocator's, decision 0046). */
export const SERVER_COMMAND = nodeCommandOf('start');
const COMMAND: Record<TargetKind, NodeCommand> = {
  tangrod: SERVER_COMMAND,
  'line-echo': { env: {}, args: ['bench/load/echo-line.ts'] },
  'grammy-echo': { env: {}, args: ['bench/load/echo-grammy.ts'] },
};
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second.

/** Starts a server and waits until it answers HTTP. `env` adds to (or overrides) the bench's. */
export async function startTarget(kind: TargetKind, apiOrigin: string, env: Record<string, string> = {}, given?: string): Promise<Target> {
  const port = await freePort();
  const dataDir = given ?? mkdtempSync(path.join(tmpdir(), `tangrod-bench-${kind}-`));
  // BENCH_CPU_PROF=<dir>: a CPU profile of Tangrod (node --cpu-prof), written when it stops.
  const profile = process.env.BENCH_CPU_PROF && kind === 'tangrod' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_NODE_FLAGS: flags for Tangrod's node (V8's, say), to compare them on the same machine.
  const flags = kind === 'tangrod' ? (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
  const child = spawn(process.execPath, [...profile, ...flags, ...COMMAND[kind].args], {
    env: {
      ...process.env,
      ...COMMAND[kind].env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
      LINE_API_BASE_URL: apiOrigin,
      LINE_DATA_API_BASE_URL: apiOrigin,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      TELEGRAM_API_ROOT: apiOrigin,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  // A bench that dies must not leave its servers running.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  for (let tries = 0; ; tries++) {
    try {
      await listening(port);
      break;
    } catch {
      if (tries > 1000 || child.exitCode !== null) throw new Error(`${kind} did not start`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const pid = child.pid!;
  return {
    kind,
    url,
    pid,
    cpuMs: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
    },
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024,
    stop: async () => {
      process.off('exit', kill);
      child.kill('SIGTERM');
      await exited;
      if (!given) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
