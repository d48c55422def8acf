/**
 * The database on disk: created owner-only (folder 0700, files 0600), and what a quick exit erases
 * is gone from the file itself (secure_delete), not only from the tables.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pngBytes } from './helpers/channel-app.ts';
import { startServer, texts, type TestServer } from './helpers/server.ts';

let root: string;
let server: TestServer | undefined;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tangrod-files-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(root, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('the database on disk', () => {
  it('creates the data folder, the database and stored files for the owner only', async () => {
    const dataDir = path.join(root, 'data', 'tangrod');
    server = await startServer({ DATA_DIR: dataDir });
    await server.sim({ user: 'modes', text: 'hello' });
    await server.sim({ user: 'modes', image: { name: 'p.png', mime: 'image/png', base64: pngBytes('modes').toString('base64') } });

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(root, 'data'))).toBe(0o700);
    const db = path.join(dataDir, 'tangrod.db');
    expect(mode(db)).toBe(0o600);
    for (const side of ['-wal', '-shm']) if (existsSync(db + side)) expect(mode(db + side)).toBe(0o600);
    const files = path.join(dataDir, 'files');
    expect(mode(files)).toBe(0o700);
  });

  it('leaves no trace of an erased chat in the database file', async () => {
    const dataDir = path.join(root, 'erase');
    server = await startServer({ DATA_DIR: dataDir });
    const marker = 'Wat-Khlong-Toei-4471';
    await server.sim({ user: 'gone', text: `hello, I am at ${marker}` });
    const bye = await server.sim({ user: 'gone', text: 'EXIT' });
    expect(texts(bye.body.replies)).toContain('erased');
    // Closing checkpoints the WAL into the file: what is left is what a stolen disk would show.
    await server.close();
    server = undefined;
    const bytes = Buffer.concat(['tangrod.db', 'tangrod.db-wal'].filter((f) => existsSync(path.join(dataDir, f))).map((f) => readFileSync(path.join(dataDir, f))));
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
  });
});
