/**
 * Start-up and memory, as an operator sees them: `node src/main.ts` (what `npm start` runs) in a
 * fresh data folder, timed from spawn to its first answer through the simulator; then the
 * resident memory of that process with 10,000 live sessions (one opening message each).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const SESSIONS = 10_000;
const CONCURRENCY = 50;

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

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function say(base: string, user: string, text: string): Promise<Response> {
  return fetch(`${base}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, text }) });
}

/** Measures start-up and memory; returns the lines to print. */
export async function benchStartup(): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-start-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'development', SIMULATOR: 'on' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let firstAnswerMs = Number.NaN;
    for (let tries = 0; tries < 600; tries++) {
      try {
        const res = await say(base, 'bench-first', 'hello');
        if (res.ok) {
          firstAnswerMs = performance.now() - t0;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const idleMb = rssMb(child.pid!);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SESSIONS) {
          const n = next++;
          await (await say(base, `bench-session-${n}`, 'hello')).arrayBuffer();
        }
      }),
    );
    const liveMb = rssMb(child.pid!);
    return [
      `start-up:      ${firstAnswerMs.toFixed(0)} ms from spawn to the first answer (node src/main.ts, fresh data folder)`,
      `memory:        RSS ${idleMb.toFixed(0)} MB after start, ${liveMb.toFixed(0)} MB with ${SESSIONS.toLocaleString('en')} live sessions`,
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
