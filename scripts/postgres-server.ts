/**
 * A throw-away PostgreSQL server for tests and the bench: Debian's binaries, a data folder under the
 * system's temporary folder, a free port on 127.0.0.1 only, no password (trust, local only), and
 * stopped (and its folder removed) by `stop()`.
 *
 * initdb refuses to run as root, so under root (CI) the server runs as the `postgres` user Debian's
 * package creates (or `nobody`). `TEST_DATABASE_URL` set: that server is used instead, nothing is
 * started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/** A running server: where to connect, and how to stop it. */
export interface PostgresServer {
  /** postgres://user@127.0.0.1:port/postgres */
  url: string;
  stop(): Promise<void>;
}

/** The folder of Debian's PostgreSQL binaries (the newest version installed), if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The user the server runs as: ourselves, or (as root) a system user initdb accepts. */
function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      execFileSync('id', ['-u', name], { stdio: 'ignore' });
      return name;
    } catch {
      // not on this machine
    }
  }
  throw new Error('running as root and neither the postgres nor the nobody user exists: initdb refuses root');
}

function run(bin: string, args: string[], user: string | undefined): void {
  const [cmd, argv] = user ? ['runuser', ['-u', user, '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Starts a fresh server; throws when PostgreSQL is not installed. */
export async function startPostgres(): Promise<PostgresServer> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql), or set TEST_DATABASE_URL');
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const dbUser = user ?? userInfo().username;
  run(path.join(bin, 'initdb'), ['-D', data, '-U', dbUser, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], user);
  const port = await freePort();
  // fsync off: a test server's data is thrown away; durability is PostgreSQL's, not under test.
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start'], user);
  let stopped = false;
  return {
    url: `postgres://${dbUser}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        const argv = ['-D', data, '-m', 'fast', '-w', 'stop'];
        const p = user ? spawn('runuser', ['-u', user, '--', path.join(bin, 'pg_ctl'), ...argv], { stdio: 'ignore' }) : spawn(path.join(bin, 'pg_ctl'), argv, { stdio: 'ignore' });
        p.on('exit', () => resolve());
        p.on('error', () => resolve());
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
