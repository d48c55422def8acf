/**
 * The evidence package (issue 6): a supervisor exports a ticket's package for Cambodia's NCCT;
 * `npm run cli -- evidence verify` says "ok"; one changed byte inside the ZIP is named and refused;
 * a cross-border export without the reporter's consent is refused; agents cannot export.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/evidence/evidence-package.ts';
import { verifyPackage } from '../src/evidence/verify-package.ts';
import { addStaff, FISHING_BOAT, PNG_BASE64, StaffClient, ticketFrom, UNPAID } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
let supervisor: StaffClient;
let agent: StaffClient;
let ref: string;
let dir: string;
let zip: Buffer;

/** Runs the real command; resolves with its exit code and output. */
async function verifyCli(file: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['src/cli.ts', 'evidence', 'verify', file], { cwd: process.cwd() });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-evidence-'));
  server = await startServer();
  await addStaff(server, 'atp-lead', 'supervisor', 'th-police-atp');
  await addStaff(server, 'atp-agent', 'agent', 'th-police-atp');
  supervisor = new StaffClient(server.url);
  agent = new StaffClient(server.url);
  await supervisor.login('atp-lead');
  await agent.login('atp-agent');
  ref = await ticketFrom(server, 'evidence-1', { ...FISHING_BOAT, evidence: { image: { name: 'contract.png', mime: 'image/png', base64: PNG_BASE64 } } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the evidence package', () => {
  it('is exported by a supervisor for kh-ncct, with manifest, summaries in th/en/km and the chain of custody', async () => {
    // Viewing and downloading are in the chain of custody.
    await supervisor.get(`/staff/tickets/${ref}`);
    const attachment = (await server.services.store.attachmentsOf(ref))[0]!;
    expect((await supervisor.get(`/staff/tickets/${ref}/attachments/${attachment.id}?download=1`)).status).toBe(200);

    const res = await supervisor.postBytes(`/staff/tickets/${ref}/evidence`, { destination: 'kh-ncct' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`evidence-${ref}-kh-ncct-`);
    zip = res.bytes;

    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(
      expect.arrayContaining(['manifest.json', 'manifest.sha256', 'chain-of-custody.json', 'summary/summary-th.txt', 'summary/summary-en.txt', 'summary/summary-km.txt']),
    );
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    expect(manifest).toMatchObject({ ticket: ref, destination: { agency: 'kh-ncct', country: 'KH', crossBorder: true }, consent: { consentCrossBorder: 'yes' } });
    expect(manifest.attachments).toHaveLength(1);
    expect(manifest.attachments[0]).toMatchObject({ sha256: attachment.sha256, size: attachment.size, mime: 'image/png', channel: 'sim', receivedAt: attachment.createdAt, originalName: 'contract.png' });
    expect(manifest.attachments[0]!.messageId).toBe(attachment.messageId);
    expect(strFromU8(files['summary/summary-km.txt']!)).toContain(`សេចក្ដីសង្ខេបករណី ${ref}`);
    expect(strFromU8(files['summary/summary-en.txt']!)).toContain('labour trafficking');
    const custody = JSON.parse(strFromU8(files['chain-of-custody.json']!)) as { action: string; actorName: string | null }[];
    expect(custody.map((c) => c.action)).toEqual(expect.arrayContaining(['ticket.created', 'ticket.viewed', 'attachment.downloaded', 'evidence.exported']));
    expect(custody.find((c) => c.action === 'attachment.downloaded')?.actorName).toBe('atp-lead');

    const exported = (await server.services.store.auditOf(ref)).find((a) => a.action === 'evidence.exported');
    expect(exported).toMatchObject({ detail: { destination: 'kh-ncct', crossBorder: true, files: 1 } });
    expect(verifyPackage(zip)).toMatchObject({ ok: true, manifestSha256: exported!.detail!.manifestSha256 });
  });

  it('is verified by the command, and refused with the file named once one byte inside changed', async () => {
    const good = path.join(dir, 'good.zip');
    writeFileSync(good, zip);
    const ok = await verifyCli(good);
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n')[0]).toBe('ok');

    const files = unzipSync(zip);
    const target = Object.keys(files).find((f) => f.startsWith('attachments/'))!;
    const changed = Uint8Array.from(files[target]!);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 0xff;
    const tampered = path.join(dir, 'tampered.zip');
    writeFileSync(tampered, zipSync({ ...files, [target]: changed }));
    const bad = await verifyCli(tampered);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain(target);
    expect(bad.out).not.toMatch(/^ok/m);

    // Changing the manifest to match is caught by the manifest's own hash.
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    manifest.attachments[0]!.sha256 = 'f'.repeat(64);
    const forged = verifyPackage(zipSync({ ...files, 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)) }));
    expect(forged.ok).toBe(false);
    expect(JSON.stringify(forged)).toContain('manifest.json');
  }, 30_000);

  it('is refused across the border without the reporter\'s consent, and to agents', async () => {
    const unpaid = await ticketFrom(server, 'evidence-2', UNPAID);
    await addStaff(server, 'doe-lead', 'supervisor', 'th-doe-1694');
    const doe = new StaffClient(server.url);
    await doe.login('doe-lead');
    await doe.get(`/staff/tickets/${unpaid}`);
    const refused = await doe.postBytes(`/staff/tickets/${unpaid}/evidence`, { destination: 'kh-ncct' });
    expect(refused.status).toBe(409);
    expect(refused.bytes.toString('utf8')).toContain('did not agree to share across borders');
    // Within Thailand it goes.
    expect((await doe.postBytes(`/staff/tickets/${unpaid}/evidence`, { destination: 'th-msdhs-1300' })).status).toBe(200);
    const audit = await server.services.store.auditOf(unpaid);
    expect(audit.filter((a) => a.action === 'evidence.exported').map((a) => a.detail?.destination)).toEqual(['th-msdhs-1300']);

    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.postBytes(`/staff/tickets/${ref}/evidence`, { destination: 'th-msdhs-1300' })).status).toBe(403);
  });
});
