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

/** How an npm script runs node: the variables set for it and node's arguments. */
export interface NodeCommand {
  /** `NAME=value` assignments before `node` (the allocator's settings for the server, say). */
  env: Record<string, string>;
  args: string[];
}

/**
 * An npm script's last `node ...` command, without npm in between (npm would stand between the
 * signal and the server): "node scripts/require-node.mjs && MALLOC_ARENA_MAX=1 node src/main.mjs"
 * gives `{ env: { MALLOC_ARENA_MAX: '1' }, args: ['src/main.mjs'] }`.
 */
export function nodeCommandOf(script: string, root = ROOT): NodeCommand {
  const command = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[script] ?? '';
  const words = command
    .split('&&')
    .map((c) => c.trim().split(/\s+/))
    .filter((w) => w.find((x) => !/^[A-Z_]+=/.test(x)) === 'node')
    .at(-1);
  if (!words) throw new Error(`npm run ${script} does not run node: ${command}`);
  const at = words.indexOf('node');
  const env = words.slice(0, at).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
  return { env: Object.fromEntries(env), args: words.slice(at + 1) };
}

/** The node arguments of an npm script's last `node ...` command ({@link nodeCommandOf}). */
export function nodeArgsOf(script: string, root = ROOT): string[] {
  return nodeCommandOf(script, root).args;
}

/** How `npm start` runs the server. */
export function serverArgs(root = ROOT): string[] {
  return nodeArgsOf('start', root);
}

/** The variables `npm start` sets for the server (the allocator's settings, decision 0046). */
export function serverEnv(root = ROOT): Record<string, string> {
  return nodeCommandOf('start', root).env;
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
 * Starts `node <args>` in `cwd` with only the given variables (plus PATH and HOME, and what
 * `npm start` sets), and waits
 * until /healthz answers.
 */
export async function spawnServer(env: Record<string, string>, opts: { cwd?: string; args?: string[]; waitMs?: number } = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const cwd = opts.cwd ?? ROOT;
  const start = nodeCommandOf('start', cwd);
  const proc = spawn(process.execPath, opts.args ?? start.args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...start.env, ...env, PORT: port },
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
  const proc = spawn(process.execPath, [...nodeArgsOf('cli', cwd), ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { code, stdout, stderr };
}
