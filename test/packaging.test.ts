/**
 * What the Dockerfile does, checked without a container engine: the files its COPY lines take,
 * its `npm ci --omit=dev`, then its CMD, in a clean folder; the server must answer /healthz and
 * /readyz, and stop cleanly on SIGTERM. And the systemd unit runs the same command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, type ServerProcess, serverArgs, serverEnv, spawnServer } from './helpers/process.ts';

/** The parts of the Dockerfile that the test repeats. */
interface DockerSteps {
  /** Paths copied from the build context (both stages). */
  copies: string[];
  /** The install command of the dependency stage. */
  install: string[];
  /** The runtime stage's ENV, by name. */
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string;
}

/** Reads the Dockerfile's COPY, RUN npm ci, ENV, HEALTHCHECK and CMD lines (backslash continuations joined). */
function readDockerfile(): DockerSteps {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n(\s*#.*\n)*/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const copies = lines.filter((l) => /^COPY\s/.test(l) && !l.includes('--from')).flatMap((l) => l.split(/\s+/).slice(1, -1));
  const install = lines.find((l) => /^RUN npm ci\b/.test(l))!.replace(/^RUN\s+/, '').split('&&')[0]!.trim().split(/\s+/);
  const lastFrom = lines.map((l) => /^FROM\s/.test(l)).lastIndexOf(true);
  const runtime = lines.slice(lastFrom);
  const env = Object.fromEntries(runtime.filter((l) => /^ENV\s/.test(l)).flatMap((l) => [...l.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
  const cmd = JSON.parse(runtime.find((l) => /^CMD\s/.test(l))!.slice(4)) as string[];
  const healthcheck = runtime.find((l) => /^HEALTHCHECK\s/.test(l)) ?? '';
  return { copies, install, env, cmd, healthcheck };
}

let proc: ServerProcess | undefined;
const dirs: string[] = [];
afterEach(() => {
  proc?.proc.kill('SIGKILL');
  proc = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  it('is multi-stage, runs as a non-root user with a data volume, checks /healthz, and runs plain node', () => {
    const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(text.match(/^FROM node:24\S*/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^VOLUME \["\/data"\]$/m);
    const steps = readDockerfile();
    expect(steps.env.DATA_DIR).toBe('/data');
    expect(steps.healthcheck).toContain('/healthz');
    expect(steps.cmd).toEqual(['node', 'src/main.mjs']);
    // What `npm start` runs, less its Node version check (the image's Node is 24).
    expect(steps.cmd.slice(1)).toEqual(serverArgs());
    // ...and with the variables it sets (the allocator's: decision 0046).
    expect(Object.keys(serverEnv())).toContain('MALLOC_ARENA_MAX');
    expect(steps.env).toMatchObject(serverEnv());
    expect(steps.install).toEqual(expect.arrayContaining(['npm', 'ci', '--omit=dev']));
    // Draining must end before Docker's default 10 s stop timeout sends SIGKILL.
    expect(Number(steps.env.SHUTDOWN_TIMEOUT_MS)).toBeLessThan(10_000);
  });

  it(
    'in a clean folder: the COPY files, its npm ci --omit=dev, then its CMD answer /healthz and /readyz, and stop on SIGTERM',
    async () => {
      const steps = readDockerfile();
      const app = mkdtempSync(path.join(tmpdir(), 'tangrod-image-'));
      const data = mkdtempSync(path.join(tmpdir(), 'tangrod-volume-'));
      dirs.push(app, data);
      // The build context: the repository's files (tracked, or new and not ignored), less .dockerignore's.
      const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
      for (const copy of steps.copies) {
        const wanted = files.filter((f) => f === copy || f.startsWith(`${copy}/`));
        expect(wanted.length, `COPY ${copy}: nothing in the repository`).toBeGreaterThan(0);
        for (const f of wanted) {
          if (!existsSync(path.join(ROOT, f))) continue; // deleted in the work tree
          mkdirSync(path.dirname(path.join(app, f)), { recursive: true });
          cpSync(path.join(ROOT, f), path.join(app, f));
        }
      }
      const [cmd, ...args] = steps.install;
      const install = spawnSync(cmd === 'npm' ? 'npm' : cmd!, args, { cwd: app, encoding: 'utf8', env: process.env, timeout: 240_000 });
      expect(install.status, install.stderr).toBe(0);
      // Development tools are not installed: the server must not need them.
      expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
      expect(existsSync(path.join(app, 'node_modules', 'vitest'))).toBe(false);

      proc = await spawnServer({ ...steps.env, HOST: '127.0.0.1', DATA_DIR: data, LOG_LEVEL: 'info' }, { cwd: app, args: steps.cmd.slice(1) });
      expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${proc.url}/readyz`);
      expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok', queues: 'ok' } });
      expect(existsSync(path.join(data, 'tangrod.db'))).toBe(true);
      proc.proc.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    },
    300_000,
  );
});

describe('systemd unit', () => {
  const unit = readFileSync(path.join(ROOT, 'deploy', 'tangrod.service'), 'utf8');
  const setting = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);

  it('runs the Dockerfile\'s command as its own user, and waits longer than the drain before SIGKILL', () => {
    const exec = setting('ExecStart')[0]!.split(/\s+/);
    expect(path.basename(exec[0]!)).toBe('node');
    expect(exec.slice(1)).toEqual(readDockerfile().cmd.slice(1));
    for (const [name, value] of Object.entries(serverEnv())) expect(setting('Environment')).toContain(`${name}=${value}`);
    expect(setting('User')).toEqual(['tangrod']);
    expect(setting('KillSignal')).toEqual(['SIGTERM']);
    const drainMs = Number(/SHUTDOWN_TIMEOUT_MS=(\d+)/.exec(unit)![1]);
    expect(Number(setting('TimeoutStopSec')[0]) * 1000).toBeGreaterThan(drainMs);
    expect(setting('StateDirectoryMode')).toEqual(['0700']);
  });
});
