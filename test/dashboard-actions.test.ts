/**
 * Every staff action through the dashboard's forms, against the real server, with its audit row
 * (who and when), and the rules each enforces: an outcome to close, a reason to decline, consent to
 * go abroad, consent or a recent message to write first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../src/dashboard/csv.ts';
import { addStaff, FISHING_BOAT, PNG_BASE64, StaffClient, ticketFrom, UNPAID } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let supervisor: StaffClient;
let agent: StaffClient;
let supervisorId: string;
let agentId: string;
let ref: string;
const user = 'boat-1';

const auditOf = async (r: string) => server.services.store.auditOf(r);
const lastAudit = async (r: string, action: string) => (await auditOf(r)).filter((a) => a.action === action).at(-1);

beforeAll(async () => {
  server = await startServer();
  supervisorId = await addStaff(server, 'somchai', 'supervisor', 'th-police-atp');
  agentId = await addStaff(server, 'ploy', 'agent', 'th-police-atp');
  supervisor = new StaffClient(server.url);
  agent = new StaffClient(server.url);
  await supervisor.login('somchai');
  await agent.login('ploy');
  ref = await ticketFrom(server, user, { ...FISHING_BOAT, evidence: { image: { name: 'passport.png', mime: 'image/png', base64: PNG_BASE64 } } });
});
afterAll(async () => server?.close());

describe('the ticket page', () => {
  it('shows the case at a glance, the answers with their questions, transcript, files and a map link', async () => {
    // With its personal details shown (issue 14: hidden until asked for; privacy-erasure.test.ts).
    const page = await agent.get(`/staff/tickets/${ref}?personal=1`);
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toContain(`Ticket ${ref}`);
    expect(html).toContain('P2 · high');
    expect(html).toContain('Labour trafficking');
    expect(html).toContain('Documents taken');
    expect(html).toContain('https://www.openstreetmap.org/?mlat=13.54750&amp;mlon=100.27440');
    expect(html).toContain('rel="noopener noreferrer"');
    // Questions in the staff member's language, from the bot's summary labels.
    expect(html).toContain('Passport or ID kept by others');
    expect(html).toContain('Share across borders');
    expect(html).toContain('Myanmar');
    // Attachments with their hash, served after the access check.
    const attachment = (await server.services.store.attachmentsOf(ref))[0]!;
    expect(html).toContain(attachment.sha256);
    const file = await agent.get(`/staff/tickets/${ref}/attachments/${attachment.id}?download=1`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="passport.png"/);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await lastAudit(ref, 'attachment.downloaded'))?.actor).toBe(`staff:${agentId}`);
    const inline = await agent.get(`/staff/tickets/${ref}/attachments/${attachment.id}`);
    expect(inline.headers.get('content-disposition')).toMatch(/^inline/);
    // Looking is recorded too.
    expect((await lastAudit(ref, 'ticket.viewed'))?.detail).toEqual({ via: 'dashboard' });
  });

  it('escapes everything the reporter wrote', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const r = await ticketFrom(server, 'evil-1', { ...FISHING_BOAT, location: { text: evil } });
    const page = await agent.get(`/staff/tickets/${r}?personal=1`);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('actions, each with an audit row saying who', () => {
  it('claims: the agent becomes the assignee, a new ticket becomes triaged', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    const res = await agent.post(`/staff/tickets/${ref}/claim`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/staff/tickets/${ref}?done=claim`);
    const t = (await server.services.store.getTicket(ref))!;
    expect(t.assignee).toBe(agentId);
    expect(t.status).toBe('triaged');
    expect(t.firstActionAt).not.toBeNull();
    const row = await lastAudit(ref, 'ticket.claimed');
    expect(row?.actor).toBe(`staff:${agentId}`);
    expect(Date.parse(row!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await agent.get(`/staff/tickets/${ref}?done=claim`)).text).toContain('You claimed this ticket.');
  });

  it('assigns (supervisor only) to a colleague of the agency', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/assign`, { assignee: supervisorId })).status).toBe(403);
    await supervisor.get(`/staff/tickets/${ref}`);
    expect((await supervisor.post(`/staff/tickets/${ref}/assign`, { assignee: supervisorId })).status).toBe(303);
    expect((await server.services.store.getTicket(ref))!.assignee).toBe(supervisorId);
    expect((await lastAudit(ref, 'ticket.assigned'))).toMatchObject({ actor: `staff:${supervisorId}`, detail: { to: `staff:${supervisorId}` } });
    const outsider = await addStaff(server, 'labour-officer', 'agent', 'th-doe-1694');
    const bad = await supervisor.post(`/staff/tickets/${ref}/assign`, { assignee: outsider });
    expect(bad.status).toBe(400);
    await supervisor.post(`/staff/tickets/${ref}/assign`, { assignee: agentId });
  });

  it('changes status; closing needs an outcome', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/status`, { status: 'in_progress', outcome: '' })).status).toBe(303);
    expect((await lastAudit(ref, 'ticket.status_changed'))).toMatchObject({ actor: `staff:${agentId}`, detail: { from: 'triaged', to: 'in_progress' } });
    const refused = await agent.post(`/staff/tickets/${ref}/status`, { status: 'closed', outcome: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Closing a ticket needs an outcome');
    expect((await server.services.store.getTicket(ref))!.status).toBe('in_progress');
  });

  it('accepts or declines the referral to the agency; declining needs a reason', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' })).status).toBe(403);
    await supervisor.get(`/staff/tickets/${ref}`);
    const noReason = await supervisor.post(`/staff/tickets/${ref}/referral`, { decision: 'declined', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Declining a referral needs a reason');
    expect((await supervisor.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted', reason: '' })).status).toBe(303);
    const t = (await server.services.store.getTicket(ref))!;
    expect(t.referrals.find((r) => r.agency === 'th-police-atp')?.status).toBe('accepted');
    expect(await lastAudit(ref, 'referral.accepted')).toMatchObject({ actor: `staff:${supervisorId}`, detail: { agency: 'th-police-atp' } });
    // A supervisor decides for their own agency only, whatever the form says.
    await supervisor.post(`/staff/tickets/${ref}/referral`, { decision: 'declined', reason: 'Not ours', agency: 'th-msdhs-1300' });
    const after = (await server.services.store.getTicket(ref))!;
    expect(after.referrals.find((r) => r.agency === 'th-msdhs-1300')?.status).toBe('pending');
    expect(after.referrals.find((r) => r.agency === 'th-police-atp')).toMatchObject({ status: 'declined', reason: 'Not ours' });
    await supervisor.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' });
  });

  it('refers to another agency, and to one abroad only with cross-border consent', async () => {
    await supervisor.get(`/staff/tickets/${ref}`);
    expect((await supervisor.post(`/staff/tickets/${ref}/refer`, { agency: 'th-dsi-1202', mode: 'refer' })).status).toBe(303);
    expect(await lastAudit(ref, 'referral.created')).toMatchObject({ actor: `staff:${supervisorId}`, detail: { agency: 'th-dsi-1202' } });
    expect((await supervisor.post(`/staff/tickets/${ref}/refer`, { agency: 'th-dsi-1202', mode: 'refer' })).status).toBe(409);
    // This reporter agreed to cross-border sharing: Cambodia's committee may be told.
    expect((await supervisor.post(`/staff/tickets/${ref}/refer`, { agency: 'kh-ncct', mode: 'refer' })).status).toBe(303);

    // Another reporter did not.
    const unpaid = await ticketFrom(server, 'unpaid-1', UNPAID);
    const admin = new StaffClient(server.url);
    await addStaff(server, 'root', 'admin');
    await admin.login('root');
    await admin.get(`/staff/tickets/${unpaid}`);
    const abroad = await admin.post(`/staff/tickets/${unpaid}/refer`, { agency: 'kh-ncct', mode: 'refer' });
    expect(abroad.status).toBe(409);
    expect(abroad.text).toContain('did not agree to share across borders');
    // A foreign embassy in Bangkok is a foreign authority too.
    expect((await admin.post(`/staff/tickets/${unpaid}/refer`, { agency: 'mm-embassy-bkk', mode: 'refer' })).status).toBe(409);
    expect((await server.services.store.getTicket(unpaid))!.referrals.map((r) => r.agency)).toEqual(['th-doe-1694']);
  });

  it('transfers: the new agency gets it, the old referral is done, the ticket is referred', async () => {
    const r = await ticketFrom(server, 'boat-2', FISHING_BOAT);
    await supervisor.get(`/staff/tickets/${r}`);
    expect((await supervisor.post(`/staff/tickets/${r}/refer`, { agency: 'th-dsi-1202', mode: 'transfer', from: 'th-msdhs-1300' })).status).toBe(303);
    const t = (await server.services.store.getTicket(r))!;
    expect(t.status).toBe('referred');
    expect(t.referrals.find((x) => x.agency === 'th-police-atp')).toMatchObject({ status: 'done', reason: 'transferred to th-dsi-1202' });
    expect(t.referrals.find((x) => x.agency === 'th-msdhs-1300')?.status).toBe('pending');
    expect(await lastAudit(r, 'ticket.transferred')).toMatchObject({ actor: `staff:${supervisorId}`, detail: { from: 'th-police-atp', to: 'th-dsi-1202' } });
  });

  it('writes to the reporter through the bot: outbox for the simulator user, transcript, audit', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    const res = await agent.post(`/staff/tickets/${ref}/message`, { message: 'We can help. Are you safe to talk now?' });
    expect(res.status).toBe(303);
    const sim = await fetch(`${server.url}/api/sim/messages?user=${user}`).then((r) => r.json());
    // Before it, the reporter (contact_ok=yes) was told of the acceptance and the referrals (issue 6).
    expect(sim.replies.at(-1)).toEqual({ text: 'Message from the hotline staff:\nWe can help. Are you safe to talk now?' });
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript.at(-1)).toMatchObject({ direction: 'out', body: { text: 'We can help. Are you safe to talk now?', from: `staff:${agentId}` } });
    const row = await lastAudit(ref, 'message.sent');
    expect(row).toMatchObject({ actor: `staff:${agentId}`, detail: { channel: 'sim' } });
    // The audit trail holds no message text.
    expect(JSON.stringify(row)).not.toContain('safe to talk');
  });

  it('may not write first to someone who said no, only answer their own message to the case within 24 hours', async () => {
    const r = await ticketFrom(server, 'unpaid-2', UNPAID);
    const admin = new StaffClient(server.url);
    await admin.login('root');
    // contact_ok=no, and the reporter has only answered the screening: writing first is refused.
    expect((await admin.get(`/staff/tickets/${r}`)).text).toContain('You cannot write first');
    expect((await admin.post(`/staff/tickets/${r}/message`, { message: 'Hello, may we call you?' })).status).toBe(409);
    // They write to their case: staff may answer that.
    await server.sim({ user: 'unpaid-2', text: 'Please help me get my pay' });
    await admin.get(`/staff/tickets/${r}`);
    expect((await admin.post(`/staff/tickets/${r}/message`, { message: 'Thank you, we read your report.' })).status).toBe(303);
    // Make the last message old: refused.
    const db = (server.services.store as unknown as { db: { prepare(s: string): { run(...a: unknown[]): unknown } } }).db;
    db.prepare(`UPDATE transcript SET created_at = '2000-01-01T00:00:00.000Z' WHERE session_id = ? AND direction = 'in'`).run('sim:unpaid-2');
    const page = await admin.get(`/staff/tickets/${r}`);
    expect(page.text).toContain('You cannot write first');
    const refused = await admin.post(`/staff/tickets/${r}/message`, { message: 'Hello again' });
    expect(refused.status).toBe(409);
    expect((await fetch(`${server.url}/api/sim/messages?user=unpaid-2`).then((x) => x.json())).replies).toEqual([{ text: 'Message from the hotline staff:\nThank you, we read your report.' }]);
  });

  it('adds a note, shown on the page, escaped', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/notes`, { note: 'Called 1300 <b>shelter</b>; bed free.' })).status).toBe(303);
    const notes = await server.services.store.notesOf(ref);
    expect(notes.at(-1)).toMatchObject({ author: `staff:${agentId}`, body: 'Called 1300 <b>shelter</b>; bed free.' });
    expect(await lastAudit(ref, 'note.added')).toMatchObject({ actor: `staff:${agentId}` });
    const page = await agent.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('Called 1300 &lt;b&gt;shelter&lt;/b&gt;; bed free.');
  });

  it('marks a duplicate of another ticket, which closes it', async () => {
    const dup = await ticketFrom(server, 'boat-1-again', FISHING_BOAT);
    await agent.get(`/staff/tickets/${dup}`);
    expect((await agent.post(`/staff/tickets/${dup}/duplicate`, { original: dup })).status).toBe(400);
    expect((await agent.post(`/staff/tickets/${dup}/duplicate`, { original: 'TR-NONE-NONE' })).status).toBe(400);
    expect((await agent.post(`/staff/tickets/${dup}/duplicate`, { original: ref.toLowerCase() })).status).toBe(303);
    const t = (await server.services.store.getTicket(dup))!;
    expect(t).toMatchObject({ duplicateOf: ref, status: 'closed', outcome: 'duplicate' });
    expect(await lastAudit(dup, 'ticket.marked_duplicate')).toMatchObject({ actor: `staff:${agentId}`, detail: { of: ref } });
  });

  it('closes with an outcome', async () => {
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/status`, { status: 'closed', outcome: 'assisted' })).status).toBe(303);
    expect((await server.services.store.getTicket(ref))!).toMatchObject({ status: 'closed', outcome: 'assisted' });
    expect(await lastAudit(ref, 'ticket.status_changed')).toMatchObject({ actor: `staff:${agentId}`, detail: { to: 'closed', outcome: 'assisted' } });
    const page = await agent.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('Status changed');
    expect(page.text).toContain('ploy');
  });
});

describe('queue, statistics and export', () => {
  it('orders by priority then age, filters, counts, and exports CSV safely', async () => {
    const admin = new StaffClient(server.url);
    await admin.login('root');
    const queue = await admin.get('/staff?status=all');
    expect(queue.status).toBe(200);
    const refs = [...queue.text.matchAll(/class="ref">(TR-[A-Z0-9-]+)</g)].map((m) => m[1]!);
    const tickets = await Promise.all(refs.map((r) => server.services.store.getTicket(r)));
    const keys = tickets.map((t) => `${t!.priority}|${t!.createdAt}`);
    expect(keys).toEqual([...keys].sort());
    expect(queue.text).toMatch(/Closed <strong>\d+<\/strong>/);
    const p3 = await admin.get('/staff?status=all&priority=P3');
    for (const m of p3.text.matchAll(/class="badge prio prio-(p\d)"/g)) expect(m[1]).toBe('p3');
    const mine = await agent.get('/staff?status=all&mine=1');
    expect(mine.text).toContain(ref);
    expect(mine.text.match(/class="ref">/g)?.length).toBe((await server.services.store.listTickets({ assignee: agentId })).length);

    const csv = await admin.get('/staff/export.csv?status=all');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="tangrod-queue-/);
    expect(csv.text.split('\r\n')[0]).toContain('ref,priority,case_type,status');
    expect(csv.text).toContain(ref);

    const stats = await admin.get('/staff/stats');
    expect(stats.status).toBe(200);
    expect(stats.text).toContain('<svg');
    expect(stats.text).toContain('Median time to first action by priority');
    expect(stats.text).toContain('Labour trafficking');
  });
});

describe('CSV cells', () => {
  it('quotes as RFC 4180 asks and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+66 2 572 8442')).toBe("'+66 2 572 8442");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(toCsv([['a', 1], ['b', null]])).toBe('a,1\r\nb,\r\n');
  });
});
