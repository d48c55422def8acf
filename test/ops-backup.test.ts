/**
 * `npm run cli -- backup <file>` while the server runs, then the restore that docs/operations.md
 * describes (the copy put in place as DATA_DIR/tangrod.db): the same tickets, as the API shows them.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/process.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { dangerTicket } from './helpers/sim-ticket.ts';

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'tangrod-backup-'));
  dirs.push(d);
  return d;
};

describe('backup and restore', () => {
  it('an online backup, restored into a new data folder, serves the same tickets', async () => {
    const original = await startServer();
    servers.push(original);
    const refs = [await dangerTicket(original, 'backup-1'), await dangerTicket(original, 'backup-2')];
    const token = await original.token('all');
    const before = await original.api('/api/tickets', token);
    expect(before.body.tickets.map((t: { ref: string }) => t.ref).sort()).toEqual([...refs].sort());

    // While the server runs and holds the database open.
    const out = path.join(tempDir(), 'tangrod-backup.db');
    const backup = await runCli(['backup', out], { DATA_DIR: original.dataDir });
    expect(backup.stderr).toContain('2 tickets');
    expect(backup.code).toBe(0);
    expect(backup.stdout.trim()).toBe(out);
    // It holds personal data: readable by the service's user only.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // Never over an existing file.
    const again = await runCli(['backup', out], { DATA_DIR: original.dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    // A ticket after the backup is not in it.
    await dangerTicket(original, 'backup-3');

    // Restore: the copy becomes tangrod.db in an empty data folder.
    const restoredDir = tempDir();
    copyFileSync(out, path.join(restoredDir, 'tangrod.db'));
    const restored = await startServer({ DATA_DIR: restoredDir });
    servers.push(restored);
    // The token lives in the database too: the same token works on the restored copy.
    const after = await restored.api('/api/tickets', token);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    for (const ref of refs) expect((await restored.api(`/api/tickets/${ref}`, token)).body.ref).toBe(ref);
    expect((await fetch(`${restored.url}/readyz`)).status).toBe(200);
  }, 60_000);

  it('says what is wrong without a file name or without a database', async () => {
    const usage = await runCli(['backup'], { DATA_DIR: tempDir() });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run cli -- backup <new file>');
    const empty = tempDir();
    const missing = await runCli(['backup', path.join(empty, 'x.db')], { DATA_DIR: path.join(empty, 'nothing-here') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No database at .*tangrod\.db/);
  }, 30_000);
});
