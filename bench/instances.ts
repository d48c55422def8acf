/**
 * `npm run bench` (part): LINE events per second through real server processes, on SQLite (one
 * instance) and on PostgreSQL with one and with two instances behind a round-robin proxy (issue
 * 16). Each run sends the same load (chats side by side, each chat's messages one webhook after
 * another, as LINE sends them) and counts until every event is handled and every reply delivered
 * to the fake LINE platform. Needs PostgreSQL's binaries (Debian's postgresql package) or
 * TEST_DATABASE_URL; without them the PostgreSQL rows say so.
 *
 * BENCH_INSTANCE_EVENTS (default 1000) and BENCH_INSTANCE_CHATS (default 200) change the load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { postgresBinDir, type PostgresServer, startPostgres } from '../scripts/postgres-server.ts';
import { lineEvent, startFakeLine } from '../test/fakes/fake-line.ts';
import { lineEnv, postLine } from '../test/helpers/channel-app.ts';
import { type ServerProcess, spawnServer } from '../test/helpers/process.ts';
import { startRoundRobin } from '../test/helpers/round-robin.ts';

const EVENTS = Number(process.env.BENCH_INSTANCE_EVENTS ?? 1000);
const CHATS = Number(process.env.BENCH_INSTANCE_CHATS ?? 200);
const SENDERS = 32;

/** Counts of what is left to do, from the database the instances use. */
type Progress = () => Promise<{ handled: number; waiting: number }>;

async function run(label: string, instances: number, env: Record<string, string>, progress: Progress): Promise<string> {
  const fake = await startFakeLine();
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'tangrod-bench-'));
      if (!env.DATA_DIR) dirs.push(dataDir);
      servers.push(await spawnServer({ ...lineEnv(fake.origin), SIMULATOR: 'off', LOG_LEVEL: 'error', ...env, DATA_DIR: dataDir }, { waitMs: 30_000 }));
    }
    const proxy = await startRoundRobin(servers.map((s) => s.url));
    const chats = Array.from({ length: CHATS }, (_, i) => `U${label.replace(/\W/g, '').slice(0, 8)}${String(i).padStart(24, '0')}`);
    const perChat = Math.ceil(EVENTS / CHATS);
    const queue = [...chats];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let user = queue.shift(); user; user = queue.shift()) {
          for (let n = 1; n <= perChat; n++) {
            const text = n === 1 ? 'Help me now, I am in danger' : `I am in danger, please (${n})`;
            await postLine(proxy.url, { destination: 'Ubot', events: [lineEvent(user, { type: 'message', message: { type: 'text', id: `${user}-${n}`, text } })] });
          }
        }
      }),
    );
    const accepted = performance.now();
    const total = perChat * CHATS;
    for (;;) {
      const p = await progress();
      if (p.handled >= total && p.waiting === 0) break;
      if (performance.now() - start > 300_000) throw new Error(`${label}: not done after 300 s (${p.handled}/${total} handled)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = performance.now();
    await proxy.close();
    const perSecond = (total / ((done - start) / 1000)).toFixed(0);
    return `${label.padEnd(34)} ${String(total).padStart(6)} events  ${perSecond.padStart(6)} events/s  (accepted in ${((accepted - start) / 1000).toFixed(1)} s, all answered in ${((done - start) / 1000).toFixed(1)} s)`;
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await fake.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

async function sqliteRun(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-sqlite-'));
  let db: Database.Database | undefined;
  const progress: Progress = async () => {
    db ??= new Database(path.join(dataDir, 'tangrod.db'), { readonly: true, fileMustExist: true });
    const n = (q: string) => (db!.prepare(q).get() as { n: number }).n;
    return { handled: n(`SELECT COUNT(*) AS n FROM inbound_events`), waiting: n('SELECT COUNT(*) AS n FROM inbox') + n(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`) };
  };
  try {
    return await run('SQLite, one instance', 1, { DATA_DIR: dataDir }, progress);
  } finally {
    db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresRun(server: PostgresServer, instances: number): Promise<string> {
  const name = `tangrod_bench_${instances}_${process.pid}`;
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const files = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-files-'));
  const progress: Progress = async () => {
    const n = async (q: string) => Number((await pool.query(q)).rows[0].n);
    return {
      handled: await n(`SELECT COUNT(*) AS n FROM inbound_events`).catch(() => 0),
      waiting: (await n('SELECT COUNT(*) AS n FROM inbox').catch(() => 1)) + (await n(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`).catch(() => 1)),
    };
  };
  try {
    return await run(`PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''}`, instances, { DATABASE_URL: url.toString(), FILES_DIR: files }, progress);
  } finally {
    await pool.end();
    rmSync(files, { recursive: true, force: true });
    const c = new pg.Client(server.url);
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}

console.log(`\nInstances (issue 16): ${EVENTS} LINE events over ${CHATS} chats through real server processes, until every reply is delivered`);
console.log(await sqliteRun());
if (!process.env.TEST_DATABASE_URL && !postgresBinDir()) {
  console.log('PostgreSQL                          not installed here (apt-get install postgresql, or set TEST_DATABASE_URL): skipped');
} else {
  const server = await startPostgres();
  try {
    console.log(await postgresRun(server, 1));
    console.log(await postgresRun(server, 2));
  } finally {
    await server.stop();
  }
}
console.log('On one machine the instances share its cores with each other and with PostgreSQL: the second instance shows what the locking costs, not what a second machine would add. The PostgreSQL server here runs with fsync off (a throw-away test server); SQLite syncs every commit.');
