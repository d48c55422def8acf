/**
 * Running the real server as a separate process, as systemd or Docker would: for what only a
 * process shows (signals, exit codes, what it writes to its log).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * How `npm start` runs the server, without npm in between (npm would stand between the signal
 * and the server): `node src/main.ts` once package.json says so, else through tsx's loader.
 */
export function serverArgs(root = ROOT): string[] {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return start.startsWith('node ') ? start.split(/\s+/).slice(1) : ['--import', 'tsx', 'src/main.ts'];
}

/** True when `npm start` runs plain Node (no tsx), as the Dockerfile does. */
export function startsWithPlainNode(root = ROOT): boolean {
  return serverArgs(root)[0] !== '--import';
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running server process. */
export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Parsed JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node <args>` in `cwd` with only the given variables (plus PATH and HOME), and waits
 * until /healthz answers.
 */
export async function spawnServer(env: Record<string, string>, opts: { cwd?: string; args?: string[]; waitMs?: number } = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const cwd = opts.cwd ?? ROOT;
  const proc = spawn(process.execPath, opts.args ?? serverArgs(cwd), {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.waitMs ?? 20_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the server exited before answering /healthz:\n${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    output: () => out,
    logLines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
  };
}

/** Runs `npm run cli -- <args>` the way package.json says, without npm; resolves with its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = (JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.cli ?? '';
  const nodeArgs = cli.startsWith('node ') ? cli.split(/\s+/).slice(1) : ['--import', 'tsx', 'src/cli.ts'];
  const proc = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { code, stdout, stderr };
}
