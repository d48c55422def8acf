/**
 * Encryption at rest (issue 14): with DATABASE_KEY the database and its WAL are SQLCipher pages,
 * stored photos are AES-256-GCM, webhook secrets are sealed; the server reads it all back;
 * `db encrypt` and `db rekey` keep every ticket; a wrong key stops start-up with a clear message.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diskBytes, KEY_A, KEY_B, markedReport, onDisk } from './helpers/privacy.ts';
import { nodeArgsOf, ROOT, runCli } from './helpers/process.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { startupWarnings } from '../src/startup-warnings.ts';

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'tangrod-enc-'));
  dirs.push(d);
  return d;
};

/** Starts on a data folder that outlives the server (closing keeps it). */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer({ DATA_DIR: dataDir, ...env });
  // startServer's close removes DATA_DIR; these tests reopen it (tempDir removes it after).
  const kept = { ...s, close: async () => void (await s.app.close(), await s.services.store.close()) };
  servers.push(kept);
  return kept;
}

async function stop(s: TestServer): Promise<void> {
  servers.splice(servers.indexOf(s), 1);
  await s.close();
}

/** The references the staff API lists, and the answers of one. */
async function refsOf(s: TestServer): Promise<string[]> {
  const res = await s.api('/api/tickets', await s.token('all'));
  return (res.body.tickets as { ref: string }[]).map((t) => t.ref).sort();
}

/** Starts the server as `npm start` would and waits for it to exit; its output and code. */
function startExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, nodeArgsOf('start'), { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.once('exit', (code) => (clearTimeout(timer), resolve({ code, output })));
  });
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

describe('encryption at rest', () => {
  it('keeps the database, its WAL, photos and webhook secrets unreadable on disk, and reads them back', async () => {
    const dataDir = tempDir();
    const s = await serve(dataDir, { DATABASE_KEY: KEY_A });
    const marker = 'Kho-Phra-Thong-8812';
    const ref = await markedReport(s, 'enc-1', marker);
    await s.services.store.setAgencyAlerts('th-police-atp', { webhookUrl: 'https://cms.example.org/hook', webhookSecret: 'hook-secret-Zq81-not-on-disk' });
    // While the server runs, with the WAL as it is.
    const live = diskBytes(dataDir);
    expect(live.database.subarray(0, 16).equals(SQLITE_HEADER)).toBe(false);
    expect(live.files.length).toBeGreaterThan(0);
    expect(onDisk(dataDir, marker)).toEqual([]);
    expect(onDisk(dataDir, 'hook-secret-Zq81')).toEqual([]);
    // The photo's PNG signature is not on disk either: the bytes are ciphertext.
    for (const f of live.files) expect(f.includes(Buffer.from('IHDR'))).toBe(false);
    // A backup is encrypted with the same key, and reads back with it.
    const copy = path.join(tempDir(), 'backup.db');
    const backup = await runCli(['backup', copy], { DATA_DIR: dataDir, DATABASE_KEY: KEY_A });
    expect(backup.stderr).toContain('1 tickets');
    expect(backup.code).toBe(0);
    const copyBytes = readFileSync(copy);
    expect(copyBytes.subarray(0, 16).equals(SQLITE_HEADER)).toBe(false);
    expect(copyBytes.includes(Buffer.from(marker))).toBe(false);
    // Production warns without a key, and not with one.
    expect((await startupWarnings({ ...s.services.config, NODE_ENV: 'production' }, s.services.store, [])).some((w) => w.includes('DATABASE_KEY IS NOT SET'))).toBe(false);
    expect((await startupWarnings({ ...s.services.config, NODE_ENV: 'production', DATABASE_KEY: undefined }, s.services.store, [])).some((w) => w.includes('DATABASE_KEY IS NOT SET'))).toBe(true);
    await stop(s);
    expect(onDisk(dataDir, marker)).toEqual([]);

    const again = await serve(dataDir, { DATABASE_KEY: KEY_A });
    const ticket = await again.services.store.getTicket(ref);
    expect(JSON.stringify(ticket?.answers)).toContain(marker);
    const [photo] = await again.services.store.attachmentsOf(ref);
    expect((await again.services.files.read(photo!.path)).includes(Buffer.from(marker))).toBe(true);
    expect((await again.services.store.listAgencyAlerts())[0]?.webhookSecret).toBe('hook-secret-Zq81-not-on-disk');
  }, 60_000);

  it('stops start-up with a clear message when the key is wrong, or missing for an encrypted database', async () => {
    const dataDir = tempDir();
    const s = await serve(dataDir, { DATABASE_KEY: KEY_A });
    await markedReport(s, 'enc-2', 'Wrong-Key-Test');
    await stop(s);
    const wrong = await startExpectingExit({ DATA_DIR: dataDir, DATABASE_KEY: KEY_B });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('DATABASE_KEY does not open the database');
    expect(wrong.output).not.toContain(KEY_B);
    const none = await startExpectingExit({ DATA_DIR: dataDir });
    expect(none.code).toBe(1);
    expect(none.output).toContain('is encrypted');
  }, 60_000);

  it('db encrypt turns a plaintext database into an encrypted one, and db rekey changes the key, keeping every ticket', async () => {
    const dataDir = tempDir();
    const plain = await serve(dataDir);
    const marker = 'Mae-Sot-Gate-5530';
    const refs = [await markedReport(plain, 'enc-3', marker), await markedReport(plain, 'enc-4', `${marker}-b`)].sort();
    await plain.services.store.setAgencyAlerts('th-police-atp', { webhookUrl: 'https://cms.example.org/hook', webhookSecret: 'plain-secret-Xy55-before' });
    await stop(plain);
    expect(onDisk(dataDir, marker)).not.toEqual([]);

    // A key for a plaintext database says what to do.
    const early = await startExpectingExit({ DATA_DIR: dataDir, DATABASE_KEY: KEY_A });
    expect(early.code).toBe(1);
    expect(early.output).toContain('db encrypt');

    const enc = await runCli(['db', 'encrypt'], { DATA_DIR: dataDir, DATABASE_KEY: KEY_A });
    expect(enc.stderr).toContain('2 tickets kept');
    expect(enc.code).toBe(0);
    expect(diskBytes(dataDir).database.subarray(0, 16).equals(SQLITE_HEADER)).toBe(false);
    expect(onDisk(dataDir, marker)).toEqual([]);
    expect(onDisk(dataDir, 'plain-secret-Xy55')).toEqual([]);
    // Run again: nothing to do, nothing broken.
    expect((await runCli(['db', 'encrypt'], { DATA_DIR: dataDir, DATABASE_KEY: KEY_A })).code).toBe(0);

    const a = await serve(dataDir, { DATABASE_KEY: KEY_A });
    expect(await refsOf(a)).toEqual(refs);
    const [photo] = await a.services.store.attachmentsOf(refs[0]!);
    expect((await a.services.files.read(photo!.path)).subarray(1, 4).toString('latin1')).toBe('PNG');
    await stop(a);

    const rekey = await runCli(['db', 'rekey'], { DATA_DIR: dataDir, DATABASE_KEY: KEY_A, NEW_DATABASE_KEY: KEY_B });
    expect(rekey.stderr).toContain('2 tickets kept');
    expect(rekey.code).toBe(0);
    expect((await startExpectingExit({ DATA_DIR: dataDir, DATABASE_KEY: KEY_A })).output).toContain('DATABASE_KEY does not open');
    const b = await serve(dataDir, { DATABASE_KEY: KEY_B });
    expect(await refsOf(b)).toEqual(refs);
    for (const ref of refs) {
      for (const f of await b.services.store.attachmentsOf(ref)) expect((await b.services.files.read(f.path)).subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    expect((await b.services.store.listAgencyAlerts())[0]?.webhookSecret).toBe('plain-secret-Xy55-before');
    expect(onDisk(dataDir, marker)).toEqual([]);
  }, 90_000);
});

