/**
 * Issue 10 item 1: each report of a chat is its own conversation. A worker reports unpaid wages
 * (Department of Employment only), sends /start, and reports a fishing-boat case (police, 1300, the
 * Myanmar embassy) from the same chat. Each agency's staff see only their own case, whatever the
 * way in: the ticket page (with its transcript), the JSON API, the CSV export and the evidence
 * package. Item 18: an agency that declined (or transferred) no longer sees what arrives after that.
 * Ticket pages are opened with `?personal=1`: their personal details shown (issue 14).
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/evidence/evidence-package.ts';
import { pngBytes } from './helpers/channel-app.ts';
import { addStaff, FISHING_BOAT, StaffClient, UNPAID } from './helpers/staff.ts';
import { playScript, type ScriptAnswer } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let labour: StaffClient;
let police: StaffClient;
let policeLead: StaffClient;
let wages: string;
let boat: string;
const USER = 'two-reports';
const WAGES_WORDS = 'Sunrise Garment Factory, Lane 9';
const BOAT_WORDS = 'Mahachai pier, boat Sea Star 7';
const PRIVATE_WORDS = 'my uncle house in Ranong';
const image = (tag: string) => ({ image: { name: `${tag}.png`, mime: 'image/png', base64: pngBytes(tag).toString('base64') } });

/** Plays one report from the chat (the first starts with "hello", later ones with /start). */
async function report(first: string, answers: Record<string, unknown>): Promise<string> {
  const { replies } = await playScript(server, USER, first, answers as Record<string, ScriptAnswer>);
  const ref = replies.find((r) => r.ticket)?.ticket?.ref;
  if (!ref) throw new Error(`no ticket: ${replies.map((r) => r.text).join(' | ').slice(0, 400)}`);
  return ref;
}

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'doe-lead', 'supervisor', 'th-doe-1694');
  await addStaff(server, 'atp-agent', 'agent', 'th-police-atp');
  await addStaff(server, 'atp-lead', 'supervisor', 'th-police-atp');
  labour = new StaffClient(server.url);
  police = new StaffClient(server.url);
  policeLead = new StaffClient(server.url);
  await Promise.all([labour.login('doe-lead'), police.login('atp-agent'), policeLead.login('atp-lead')]);
  wages = await report('hello', { ...UNPAID, location: { text: WAGES_WORDS }, evidence: image('payslip') });
  // A report in between that the person chose not to share: no ticket, and its photo goes nowhere.
  const { replies } = await playScript(server, USER, '/start', { ...FISHING_BOAT, location: { text: PRIVATE_WORDS }, evidence: image('not-shared'), consent_share: { choice: 'no' } } as unknown as Record<string, ScriptAnswer>);
  expect(replies.some((r) => r.ticket)).toBe(false);
  boat = await report('/start', { ...FISHING_BOAT, location: { text: BOAT_WORDS }, evidence: image('boat-contract') });
  // /status names both cases: its answer belongs to neither report.
  const status = await server.sim({ user: USER, text: '/status' });
  expect(status.body.replies.map((r) => r.text).join('\n')).toContain(wages);
});
afterAll(async () => server?.close());

describe('two reports from one chat (issue 10 item 1)', () => {
  it('are two tickets, referred to different agencies', async () => {
    expect(wages).not.toBe(boat);
    const w = (await server.services.store.getTicket(wages))!;
    const b = (await server.services.store.getTicket(boat))!;
    expect(w.referrals.map((r) => r.agency)).toEqual(['th-doe-1694']);
    expect(b.referrals.map((r) => r.agency)).toContain('th-police-atp');
    expect(b.referrals.map((r) => r.agency)).not.toContain('th-doe-1694');
    expect(w.conversationId).not.toBe(b.conversationId);
    // Conversation ids sort by when the report began (UUID version 7, docs/decisions/0041).
    expect(w.conversationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(w.conversationId! < b.conversationId!).toBe(true);
  });

  it('each ticket page shows only its own report: reference, summary, words and files', async () => {
    const labourPage = await labour.get(`/staff/tickets/${wages}?personal=1`);
    expect(labourPage.status).toBe(200);
    expect(labourPage.text).toContain(WAGES_WORDS);
    expect(labourPage.text).not.toContain(boat);
    expect(labourPage.text).not.toContain(BOAT_WORDS);
    expect(labourPage.text).not.toContain('boat-contract');

    const policePage = await police.get(`/staff/tickets/${boat}?personal=1`);
    expect(policePage.status).toBe(200);
    expect(policePage.text).toContain(BOAT_WORDS);
    expect(policePage.text).not.toContain(wages);
    expect(policePage.text).not.toContain(WAGES_WORDS);
    expect(policePage.text).not.toContain('payslip');
    // The report that was not shared is on no ticket page.
    for (const page of [labourPage, policePage]) {
      expect(page.text).not.toContain(PRIVATE_WORDS);
      expect(page.text).not.toContain('not-shared');
    }
  });

  it('the API gives each agency its own ticket and only its files', async () => {
    const doe = await server.token('th-doe-1694');
    const atp = await server.token('th-police-atp');
    const w = await server.api(`/api/tickets/${wages}`, doe);
    expect(w.status).toBe(200);
    expect(w.body.attachments.map((a: { name: string }) => a.name)).toEqual(['payslip.png']);
    expect(JSON.stringify(w.body)).not.toContain(BOAT_WORDS);
    expect((await server.api(`/api/tickets/${boat}`, doe)).status).toBe(404);
    const b = await server.api(`/api/tickets/${boat}`, atp);
    expect(b.body.attachments.map((a: { name: string }) => a.name)).toEqual(['boat-contract.png']);
    expect(JSON.stringify(b.body)).not.toContain(WAGES_WORDS);
    expect((await server.api(`/api/tickets/${wages}`, atp)).status).toBe(404);
  });

  it('the CSV export lists each agency its own case only', async () => {
    const doeCsv = (await labour.get('/staff/export.csv?status=all')).text;
    expect(doeCsv).toContain(wages);
    expect(doeCsv).not.toContain(boat);
    const atpCsv = (await police.get('/staff/export.csv?status=all')).text;
    expect(atpCsv).toContain(boat);
    expect(atpCsv).not.toContain(wages);
  });

  it('the evidence package holds only its own report', async () => {
    await labour.get(`/staff/tickets/${wages}?personal=1`);
    const doeZip = await labour.postBytes(`/staff/tickets/${wages}/evidence`, { destination: 'th-doe-1694' });
    expect(doeZip.status).toBe(200);
    const doeFiles = unzipSync(new Uint8Array(doeZip.bytes));
    const doeManifest = JSON.parse(strFromU8(doeFiles['manifest.json']!)) as Manifest;
    expect(doeManifest.attachments.map((a) => a.originalName)).toEqual(['payslip.png']);
    const doeText = Object.values(doeFiles).map((f) => strFromU8(f)).join('\n');
    expect(doeText).not.toContain(boat);
    expect(doeText).not.toContain(BOAT_WORDS);

    await policeLead.get(`/staff/tickets/${boat}?personal=1`);
    const atpZip = await policeLead.postBytes(`/staff/tickets/${boat}/evidence`, { destination: 'th-police-atp' });
    const atpFiles = unzipSync(new Uint8Array(atpZip.bytes));
    const atpManifest = JSON.parse(strFromU8(atpFiles['manifest.json']!)) as Manifest;
    expect(atpManifest.attachments.map((a) => a.originalName)).toEqual(['boat-contract.png']);
    expect(Object.values(atpFiles).map((f) => strFromU8(f)).join('\n')).not.toContain(WAGES_WORDS);
  });
});

describe('an answer to staff of an earlier report', () => {
  it('goes to that report, even while a new one is being screened', async () => {
    const user = 'answers-old-case';
    const { replies } = await playScript(server, user, 'hello', FISHING_BOAT);
    const first = replies.find((r) => r.ticket)!.ticket!.ref;
    // A new report starts; before it has a ticket, staff of the first case write.
    await server.sim({ user, text: '/start' });
    await police.get(`/staff/tickets/${first}?personal=1`);
    expect((await police.post(`/staff/tickets/${first}/message`, { message: 'Are you still on the boat?' })).status).toBe(303);
    const res = await server.sim({ user, text: 'No, I got off at the pier last night' });
    expect(res.body.replies[0]!.text).toContain(first);
    expect((await police.get(`/staff/tickets/${first}?personal=1`)).text).toContain('I got off at the pier');
    // The new report goes on with its own question, and its ticket will not carry the answer.
    expect(res.body.replies.at(-1)!.expects).toBeDefined();
    const next = await playScript(server, user, 'no', UNPAID);
    const second = next.replies.find((r) => r.ticket)!.ticket!.ref;
    expect(second).not.toBe(first);
    const page = await labour.get(`/staff/tickets/${second}?personal=1`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('I got off at the pier');
    expect(page.text).not.toContain(first);
  });
});

describe('an agency that declined a referral (issue 10 item 18)', () => {
  it('keeps what it saw, but not what the reporter sends afterwards', async () => {
    const user = 'declined-later';
    const { replies } = await playScript(server, user, 'hello', { ...UNPAID, contact_ok: { choice: 'yes' } } as Record<string, ScriptAnswer>);
    const ref = replies.find((r) => r.ticket)!.ticket!.ref;
    await labour.get(`/staff/tickets/${ref}?personal=1`);
    expect((await labour.post(`/staff/tickets/${ref}/referral`, { decision: 'declined', reason: 'not a labour case' })).status).toBe(303);
    // Later, the reporter writes to the case and sends a photo.
    await new Promise((r) => setTimeout(r, 5));
    await server.sim({ user, text: 'They moved us to a boat yesterday' });
    await server.sim({ user, ...image('after-decline') });
    // The queue does not flag a new message it will not show.
    const queue = await labour.get('/staff?status=all');
    const row = queue.text.split('<tr').find((r) => r.includes(ref)) ?? '';
    expect(row).toContain(ref);
    expect(row).not.toContain('reporter-update');
    const page = await labour.get(`/staff/tickets/${ref}?personal=1`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('moved us to a boat');
    // Opening it does not mark the new message as seen for those who can read it.
    expect((await server.services.store.getTicket(ref))!.updatedByReporterAt).not.toBeNull();
    expect(page.text).not.toContain('after-decline');
    const doe = await server.token('th-doe-1694');
    expect((await server.api(`/api/tickets/${ref}`, doe)).body.attachments).toEqual([]);
    const photo = (await server.services.store.attachmentsOf(ref))[0]!;
    expect((await labour.get(`/staff/tickets/${ref}/attachments/${photo.id}`)).status).toBe(404);
    // Those who still hold the case see it all.
    const admin = new StaffClient(server.url);
    await addStaff(server, 'root-18', 'admin');
    await admin.login('root-18');
    const full = await admin.get(`/staff/tickets/${ref}?personal=1`);
    expect(full.text).toContain('moved us to a boat');
  });
});
