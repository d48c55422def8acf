/**
 * Stored files in an S3-compatible bucket (issue 16), against s3rver on 127.0.0.1: a photo sent in
 * a conversation is kept in the bucket under its attachment's path with the hash it arrived with,
 * encrypted when DATABASE_KEY is set (the bucket's bytes are not the photo), nothing of it in the
 * instance's own folder; staff are shown the photo; the erasure the quick exit asks for deletes it
 * from the bucket, and a photo the bot could not use is never kept there; `db encrypt` seals the
 * bucket's objects in place.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes } from './helpers/channel-app.ts';
import { filesUnder, KEY_A, markedReport } from './helpers/privacy.ts';
import { runCli } from './helpers/process.ts';
import { type LocalS3, startS3 } from './helpers/s3.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';

let s3: LocalS3;
let server: TestServer;
let admin: StaffClient;

beforeAll(async () => {
  s3 = await startS3();
  server = await startServer({ ...s3.env, DATABASE_KEY: KEY_A });
  await addStaff(server, 's3-admin', 'admin');
  admin = new StaffClient(server.url);
  expect((await admin.login('s3-admin')).status).toBe(303);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await s3?.close();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('stored files in an S3-compatible bucket', () => {
  it('a photo is kept in the bucket with its hash, encrypted, and staff are shown the photo', async () => {
    const marker = 'Bucket-Photo-5521';
    const ref = await markedReport(server, 's3-photo', marker);
    const [attachment, ...more] = await server.services.store.attachmentsOf(ref);
    expect(more).toEqual([]);
    const photo = pngBytes(marker);
    expect(attachment!.sha256).toBe(sha(photo));
    const kept = (await s3.objects()).get(attachment!.path);
    expect(kept, `no object ${attachment!.path} in the bucket`).toBeDefined();
    // Encrypted before it left the instance: neither the photo nor its words are in the bucket.
    expect(kept!.length).toBeGreaterThan(photo.length);
    expect(kept!.includes(Buffer.from(marker))).toBe(false);
    expect(kept!.includes(photo.subarray(0, 8))).toBe(false);
    // Nothing in the instance's own folder.
    expect(filesUnder(path.join(server.dataDir, 'files'))).toEqual([]);

    await admin.get(`/staff/tickets/${ref}`);
    const shown = await admin.get(`/staff/tickets/${ref}/attachments/${attachment!.id}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('image/png');
    expect(Number(shown.headers.get('content-length'))).toBe(photo.length);
    expect(shown.text.endsWith(marker)).toBe(true);
  });

  it("the quick exit's deletion request, carried out by an administrator, deletes the photo from the bucket", async () => {
    const ref = await markedReport(server, 's3-erase', 'Bucket-Erase-8812');
    const [attachment] = await server.services.store.attachmentsOf(ref);
    expect((await s3.objects()).has(attachment!.path)).toBe(true);
    await server.sim({ user: 's3-erase', text: 'EXIT' });
    await server.sim({ user: 's3-erase', choice: 'delete_my_data' });
    expect((await server.services.store.getTicket(ref))!.erasureRequestedAt).toBeTruthy();
    // The case stays with staff until the erasure: so does its photo.
    expect((await s3.objects()).has(attachment!.path)).toBe(true);
    await admin.get(`/staff/tickets/${ref}`);
    expect((await admin.post(`/staff/tickets/${ref}/erase`, { reason: 'the reporter asked in the chat', confirm: ref })).status).toBe(303);
    expect((await s3.objects()).has(attachment!.path)).toBe(false);
  });

  it('a photo the bot could not use is deleted from the bucket at once', async () => {
    const before = [...(await s3.objects()).keys()].sort();
    await server.sim({ user: 's3-early', text: 'hello' });
    // At the language question a photo answers nothing: it is not kept.
    const sent = await server.sim({ user: 's3-early', image: { name: 'p.png', mime: 'image/png', base64: pngBytes('Bucket-Early-3310').toString('base64') } });
    expect(sent.status).toBe(200);
    expect([...(await s3.objects()).keys()].sort()).toEqual(before);
  });
});

describe('a bucket without DATABASE_KEY', () => {
  it('keeps the photo as it was sent', async () => {
    const plain = await startServer({ ...s3.env });
    try {
      const ref = await markedReport(plain, 's3-plain', 'Bucket-Plain-4410');
      const [attachment] = await plain.services.store.attachmentsOf(ref);
      expect((await s3.objects()).get(attachment!.path)).toEqual(pngBytes('Bucket-Plain-4410'));
    } finally {
      await plain.close();
    }
  });
});

describe('db encrypt with the files in a bucket', () => {
  it('seals the objects in place; the photo is read back with the key', async () => {
    const before = await startServer({ ...s3.env });
    const ref = await markedReport(before, 's3-seal', 'Bucket-Seal-6620');
    const [attachment] = await before.services.store.attachmentsOf(ref);
    const photo = pngBytes('Bucket-Seal-6620');
    expect((await s3.objects()).get(attachment!.path)).toEqual(photo);
    await before.app.close();
    await before.services.store.close();
    try {
      const run = await runCli(['db', 'encrypt'], { DATA_DIR: before.dataDir, DATABASE_KEY: KEY_A, ...s3.env });
      expect(run.code, run.stderr).toBe(0);
      const sealed = (await s3.objects()).get(attachment!.path)!;
      expect(sealed.includes(Buffer.from('Bucket-Seal-6620'))).toBe(false);
      const after = await startServer({ DATA_DIR: before.dataDir, DATABASE_KEY: KEY_A, ...s3.env });
      try {
        expect(await after.services.files.read(attachment!.path)).toEqual(photo);
      } finally {
        await after.app.close();
        await after.services.store.close();
      }
    } finally {
      rmSync(before.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
