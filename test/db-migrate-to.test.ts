/**
 * `npm run cli -- db migrate-to <postgres url>`, run as an operator would, on a SQLite instance
 * with real reports (tickets with referrals, a photo, notes, staff, audit rows): afterwards the
 * PostgreSQL store shows every ticket, referral, attachment (with its file and hash) and audit row
 * exactly as the SQLite store did; a second run into the same database is refused. An encrypted
 * instance's files go into a bucket (s3rver) still encrypted, their hashes checked through the key.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import type { Store, TicketRecord } from '../src/store/store.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';
import { KEY_A } from './helpers/privacy.ts';
import { runCli } from './helpers/process.ts';
import { type LocalS3, startS3 } from './helpers/s3.ts';
import { startServer } from './helpers/server.ts';
import { addStaff, FISHING_BOAT, IN_DANGER, PNG_BASE64, ticketFrom } from './helpers/staff.ts';

describe.skipIf(!postgresUrl)('db migrate-to', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dataDir = '';
  const shared = mkdtempSync(path.join(tmpdir(), 'tangrod-shared-'));
  /** What the SQLite store showed before the move. */
  let before: { tickets: TicketRecord[]; attachments: Record<string, unknown[]>; audit: Record<string, unknown[]>; notes: Record<string, unknown[]>; transcripts: Record<string, unknown[]> };

  const snapshot = async (store: Store) => {
    const tickets = (await store.listTickets({ limit: 1000 })).sort((a, b) => a.ref.localeCompare(b.ref));
    const by = async (f: (ref: string) => Promise<unknown[]>) => Object.fromEntries(await Promise.all(tickets.map(async (t) => [t.ref, await f(t.ref)])));
    return {
      tickets,
      attachments: await by((ref) => store.attachmentsOf(ref)),
      audit: await by((ref) => store.auditOf(ref)),
      notes: await by((ref) => store.notesOf(ref)),
      transcripts: await by(async (ref) => store.ticketTranscript(tickets.find((t) => t.ref === ref)!)),
    };
  };

  beforeAll(async () => {
    db = await freshDatabase();
    const server = await startServer();
    dataDir = server.dataDir;
    const photo = { image: { name: 'boss.png', mime: 'image/png', base64: PNG_BASE64 } };
    const a = await ticketFrom(server, 'mig-a', { ...FISHING_BOAT, evidence: photo });
    await ticketFrom(server, 'mig-b', IN_DANGER);
    const staff = await addStaff(server, 'Somsri', 'agent', 'th-msdhs-1300');
    await server.services.store.transaction(async (tx) => {
      await tx.addNote(a, `staff:${staff}`, 'Called the shelter.');
      await tx.audit({ ticketRef: a, actor: `staff:${staff}`, action: 'note.added' });
    });
    before = await snapshot(server.services.store);
    // Stopped as the operator stops the old instance, its data kept.
    await server.app.close();
    await server.services.store.close();
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });

  it('copies every ticket, referral, attachment with its file and hash, note and audit row, and verifies the counts', async () => {
    expect(before.tickets.length).toBe(2);
    expect(before.tickets.some((t) => t.referrals.length > 0)).toBe(true);
    expect(Object.values(before.attachments).flat().length).toBe(1);
    const run = await runCli(['db', 'migrate-to', db.url, '--files-dir', shared], { DATA_DIR: dataDir });
    expect(run.stderr).toContain('verified');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok: \d+ rows in \d+ tables and 1 files moved and verified/);

    const pgStore = openPostgresStore(db.url);
    try {
      const after = await snapshot(pgStore);
      expect(after).toEqual(before);
      // The file is in the shared folder, with the hash it arrived with.
      const [attachment] = Object.values(after.attachments).flat() as { path: string; sha256: string }[];
      expect(createHash('sha256').update(readFileSync(path.join(shared, attachment!.path))).digest('hex')).toBe(attachment!.sha256);
      // Ids go on after the copied ones: a new audit row comes last.
      const ref = after.tickets[0]!.ref;
      await pgStore.transaction((tx) => tx.audit({ ticketRef: ref, actor: 'cli', action: 'test.after_move' }));
      expect((await pgStore.auditOf(ref)).at(-1)?.action).toBe('test.after_move');
    } finally {
      await pgStore.close();
    }
  });

  it('refuses to copy into a database that has data already', async () => {
    const run = await runCli(['db', 'migrate-to', db.url], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PostgreSQL is not empty/);
  });
});

describe.skipIf(!postgresUrl)('db migrate-to an encrypted instance, its files into a bucket', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let s3: LocalS3;
  let dataDir = '';
  let attachment: { path: string; sha256: string };

  beforeAll(async () => {
    [db, s3] = await Promise.all([freshDatabase(), startS3()]);
    const server = await startServer({ DATABASE_KEY: KEY_A });
    dataDir = server.dataDir;
    const ref = await ticketFrom(server, 'mig-enc', { ...FISHING_BOAT, evidence: { image: { name: 'boss.png', mime: 'image/png', base64: PNG_BASE64 } } });
    const [first] = await server.services.store.attachmentsOf(ref);
    attachment = first!;
    await server.app.close();
    await server.services.store.close();
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    await s3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads each file as kept (encrypted) and checks its hash through the key', async () => {
    const { FILES_S3_BUCKET: _bucket, ...reach } = s3.env;
    const run = await runCli(['db', 'migrate-to', db.url, '--files-bucket', s3.bucket], { DATA_DIR: dataDir, DATABASE_KEY: KEY_A, ...reach });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/and 1 files moved and verified/);
    const kept = (await s3.objects()).get(attachment.path);
    // The sealed bytes, as on the old disk: not the photo, whose hash the migration checked.
    expect(kept).toEqual(readFileSync(path.join(dataDir, attachment.path)));
    expect(kept!.includes(Buffer.from(PNG_BASE64, 'base64').subarray(0, 8))).toBe(false);
    expect(attachment.sha256).toBe(createHash('sha256').update(Buffer.from(PNG_BASE64, 'base64')).digest('hex'));
  });
});
