/**
 * Agency isolation: staff of one agency get 404 for another agency's ticket, whatever the way in:
 * the ticket page, an action (a note), an attachment, the export, the queue and the JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, FISHING_BOAT, PNG_BASE64, StaffClient, ticketFrom } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let police: StaffClient;
let labour: StaffClient;
let admin: StaffClient;
let ref: string;
let attachmentId: string;

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'police-agent', 'agent', 'th-police-atp');
  await addStaff(server, 'labour-super', 'supervisor', 'th-doe-1694');
  await addStaff(server, 'root', 'admin');
  police = new StaffClient(server.url);
  labour = new StaffClient(server.url);
  admin = new StaffClient(server.url);
  await Promise.all([police.login('police-agent'), labour.login('labour-super'), admin.login('root')]);
  // Routed to the police, 1300 and the Myanmar embassy; not to the Department of Employment.
  ref = await ticketFrom(server, 'iso-1', { ...FISHING_BOAT, evidence: { image: { name: 'proof.png', mime: 'image/png', base64: PNG_BASE64 } } });
  attachmentId = (await server.services.store.attachmentsOf(ref))[0]!.id;
  await labour.get('/staff');
});
afterAll(async () => server?.close());

describe('a ticket outside the agency', () => {
  it('is visible to the agency it was referred to, and to an admin', async () => {
    expect((await police.get(`/staff/tickets/${ref}`)).status).toBe(200);
    expect((await admin.get(`/staff/tickets/${ref}`)).status).toBe(200);
    expect((await police.get(`/staff/tickets/${ref}/attachments/${attachmentId}`)).status).toBe(200);
  });

  it('is 404 on its page, like a ticket that does not exist', async () => {
    const page = await labour.get(`/staff/tickets/${ref}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('not referred to your agency');
    expect(page.text).not.toContain('Samut');
    expect((await labour.get('/staff/tickets/TR-ZZZZ-ZZZZ')).status).toBe(404);
  });

  it('is 404 for its attachment, even with the right id', async () => {
    const res = await labour.get(`/staff/tickets/${ref}/attachments/${attachmentId}?download=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    // An attachment id under a ticket of one's own agency does not reach another ticket's file.
    const own = await ticketFrom(server, 'iso-unpaid', { in_danger_now: { choice: 'no' }, menu: { choice: 'help_me' }, current_country: { choice: 'TH' }, wages_withheld: { choice: 'yes' }, consent_share: { choice: 'yes' }, confirm_send: { choice: 'send' } });
    expect((await server.services.store.getTicket(own))!.referrals.map((r) => r.agency)).toContain('th-doe-1694');
    expect((await labour.get(`/staff/tickets/${own}`)).status).toBe(200);
    expect((await labour.get(`/staff/tickets/${own}/attachments/${attachmentId}`)).status).toBe(404);
  });

  it('is 404 for every action (a note, a claim, a message), and nothing is written', async () => {
    const before = (await server.services.store.auditOf(ref)).length;
    for (const [action, form] of [
      ['notes', { note: 'snooping' }],
      ['claim', {}],
      ['message', { message: 'hello' }],
      ['status', { status: 'closed', outcome: 'other' }],
      ['refer', { agency: 'th-doe-1694', mode: 'refer' }],
      ['referral', { decision: 'accepted' }],
      ['duplicate', { original: ref }],
    ] as const) {
      expect((await labour.post(`/staff/tickets/${ref}/${action}`, form)).status, action).toBe(404);
    }
    expect(await server.services.store.notesOf(ref)).toEqual([]);
    expect((await server.services.store.auditOf(ref)).length).toBe(before);
    expect((await server.services.store.getTicket(ref))!.status).toBe('new');
  });

  it('cannot be named as the original of a duplicate', async () => {
    const own = (await server.services.store.listTickets({ agency: 'th-doe-1694' }))[0]!.ref;
    await labour.get(`/staff/tickets/${own}`);
    const res = await labour.post(`/staff/tickets/${own}/duplicate`, { original: ref });
    expect(res.status).toBe(400);
    expect((await server.services.store.getTicket(own))!.duplicateOf).toBeNull();
  });

  it('is absent from the queue and the export, even when asking for the other agency', async () => {
    for (const q of ['', '?status=all', '?status=all&agency=th-police-atp']) {
      const queue = await labour.get(`/staff${q}`);
      expect(queue.status).toBe(200);
      expect(queue.text).not.toContain(ref);
      const csv = await labour.get(`/staff/export.csv${q}`);
      expect(csv.status).toBe(200);
      expect(csv.text).not.toContain(ref);
    }
    expect((await police.get('/staff/export.csv?status=all')).text).toContain(ref);
    expect((await admin.get('/staff/export.csv?status=all&agency=th-doe-1694')).text).not.toContain(ref);
  });

  it('is 404 through the JSON API with an agency token, like the dashboard', async () => {
    const labourToken = await server.token('th-doe-1694');
    const policeToken = await server.token('th-police-atp');
    expect((await server.api(`/api/tickets/${ref}`, labourToken)).status).toBe(404);
    expect((await server.api(`/api/tickets/${ref}`, policeToken)).status).toBe(200);
    expect((await server.api('/api/tickets', labourToken)).body.tickets.map((t: { ref: string }) => t.ref)).not.toContain(ref);
    expect((await server.api('/api/tickets?agency=th-police-atp', labourToken)).status).toBe(403);
  });

  it('keeps agents and supervisors out of the admin pages', async () => {
    expect((await labour.get('/staff/admin')).status).toBe(403);
    await labour.get('/staff');
    expect((await labour.post('/staff/admin/tokens', { agency: 'all' })).status).toBe(403);
  });

  it('lets an admin create an API token from the page, shown once', async () => {
    await admin.get('/staff/admin');
    const res = await admin.post('/staff/admin/tokens', { agency: 'th-doe-1694', label: 'labour integration' });
    expect(res.status).toBe(200);
    const token = /class="token-value">(tgr_[A-Za-z0-9_-]+)</.exec(res.text)?.[1];
    expect(token).toBeDefined();
    expect((await server.api(`/api/tickets/${ref}`, token)).status).toBe(404);
    expect((await server.api('/api/tickets', token)).status).toBe(200);
  });
});
