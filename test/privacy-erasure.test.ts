/**
 * Erasure and access requests (issue 14): from the chat without a case (erased at once) and with
 * one (a request to its staff, also from the quick exit's goodbye); an administrator's erasure
 * leaves a tombstone and no trace of the words in the database file, the WAL or the files folder
 * (the bytes are searched while the server runs); the access-request ZIP holds every ticket of the
 * reporter and nothing of another; personal details on the ticket page are shown on a click that
 * is audited, and the queue shows no name.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from './helpers/channel-app.ts';
import { markedReport, onDisk } from './helpers/privacy.ts';
import { playScript } from './helpers/script.ts';
import { startServer, texts, type TestServer } from './helpers/server.ts';
import { addStaff, FISHING_BOAT, StaffClient } from './helpers/staff.ts';

let server: TestServer;
let admin: StaffClient;
let agent: StaffClient;

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'privacy-admin', 'admin');
  await addStaff(server, 'privacy-agent', 'agent', 'th-police-atp');
  admin = new StaffClient(server.url);
  agent = new StaffClient(server.url);
  expect((await admin.login('privacy-admin')).status).toBe(303);
  expect((await agent.login('privacy-agent')).status).toBe(303);
}, 60_000);
afterAll(() => server?.close());

const t = (lang: string) => server.services.definitions.translations.t(lang);
const rows = (sql: string, ...args: unknown[]) => queryDb<Record<string, unknown>>(server, sql, ...args);

describe('erasure from the chat', () => {
  it('without a case: /delete erases the chat at once, as the quick exit does', async () => {
    await server.sim({ user: 'del-none', text: 'hello' });
    await server.sim({ user: 'del-none', choice: 'en' });
    expect(rows(`SELECT id FROM transcript WHERE session_id = 'sim:del-none'`).length).toBeGreaterThan(0);
    const bye = await server.sim({ user: 'del-none', text: '/delete' });
    expect(texts(bye.body.replies)).toBe(t('en')('exit.erased'));
    expect(rows(`SELECT id FROM transcript WHERE session_id = 'sim:del-none'`)).toEqual([]);
    expect(rows(`SELECT id FROM sessions WHERE id = 'sim:del-none'`)).toEqual([]);
  });

  it('with a case: /delete sends the request to its staff, who see it; nothing is erased yet', async () => {
    const ref = await markedReport(server, 'del-case', 'Chat-Delete-Request-31');
    const res = await server.sim({ user: 'del-case', text: '/delete' });
    expect(texts(res.body.replies)).toContain(t('en')('privacy.delete_requested', { refs: ref }));
    const ticket = (await server.services.store.getTicket(ref))!;
    expect(ticket.erasureRequestedAt).toBeTruthy();
    expect(ticket.updatedByReporterAt).toBeTruthy();
    expect(ticket.erasedAt).toBeNull();
    expect(JSON.stringify(ticket.answers)).toContain('Chat-Delete-Request-31');
    expect((await server.services.store.auditOf(ref)).filter((e) => e.action === 'erasure.requested')).toMatchObject([{ actor: 'reporter' }]);
    // The staff member of the case sees the request on the ticket page.
    const page = await agent.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('erasure-requested');
  });

  it('the quick exit with a case offers the request, and the tap makes it', async () => {
    const ref = await markedReport(server, 'exit-case', 'Exit-Offer-44');
    const bye = await server.sim({ user: 'exit-case', text: 'EXIT' });
    const offer = bye.body.replies.at(-1)!;
    expect(offer.choices).toEqual([{ id: 'delete_my_data', label: t('en')('privacy.delete_button') }]);
    const tap = await server.sim({ user: 'exit-case', choice: 'delete_my_data' });
    expect(texts(tap.body.replies)).toContain(ref);
    expect((await server.services.store.getTicket(ref))!.erasureRequestedAt).toBeTruthy();
  });

  it('/privacy says what is kept, for how long, and how to delete, in the conversation\'s language', async () => {
    await server.sim({ user: 'priv-th', text: 'สวัสดีค่ะ' });
    const res = await server.sim({ user: 'priv-th', text: '/privacy' });
    const th = t('th');
    expect(texts(res.body.replies)).toContain(th('privacy.text', { unticketed: th('privacy.days', { days: 30 }), closed: th('privacy.days', { days: 365 }) }));
    expect(texts(res.body.replies)).toContain('30');
    // The welcome names the command.
    const welcome = await server.sim({ user: 'priv-welcome', text: 'hello' });
    expect(texts(welcome.body.replies)).toContain('/privacy');
  });
});

describe("an administrator's erasure", () => {
  it('leaves a tombstone and no trace of the words in the database, the WAL or the files folder', async () => {
    const marker = 'Erase-Me-Wat-Phra-7731';
    const ref = await markedReport(server, 'erase-admin', marker);
    await server.services.store.transaction((tx) => tx.addNote(ref, 'staff:x', `Called the owner of ${marker}`));
    await server.services.store.transaction((tx) => tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' }));
    const before = (await server.services.store.getTicket(ref))!;
    const photos = (await server.services.store.attachmentsOf(ref)).length;
    expect(photos).toBeGreaterThan(0);
    expect(onDisk(server.dataDir, marker).length).toBeGreaterThan(0);

    await admin.get(`/staff/tickets/${ref}`);
    // The reference typed wrong: refused, nothing erased.
    expect((await admin.post(`/staff/tickets/${ref}/erase`, { reason: 'the reporter asked by phone', confirm: 'TR-WRONG' })).status).toBe(400);
    expect((await server.services.store.getTicket(ref))!.erasedAt).toBeNull();
    // Agents cannot.
    await agent.get(`/staff/tickets/${ref}`);
    expect((await agent.post(`/staff/tickets/${ref}/erase`, { reason: 'x', confirm: ref })).status).toBe(403);

    const done = await admin.post(`/staff/tickets/${ref}/erase`, { reason: 'the reporter asked by phone', confirm: ref });
    expect(done.status).toBe(303);

    const after = (await server.services.store.getTicket(ref))!;
    expect(after).toMatchObject({ ref, createdAt: before.createdAt, priority: before.priority, caseType: before.caseType, status: 'closed', outcome: 'assisted', answers: {} });
    expect(after.erasedAt).toBeTruthy();
    expect(await server.services.store.attachmentsOf(ref)).toEqual([]);
    expect(await server.services.store.notesOf(ref)).toEqual([]);
    expect(await server.services.store.ticketTranscript(after)).toEqual([]);
    expect((await server.services.store.auditOf(ref)).find((e) => e.action === 'ticket.erased')).toMatchObject({ detail: { reason: 'the reporter asked by phone', files: photos } });
    // While the server runs: the database file, its WAL and the stored files.
    expect(onDisk(server.dataDir, marker)).toEqual([]);
    expect(onDisk(server.dataDir, 'Erase-Me')).toEqual([]);
    // The statistics still count it.
    expect((await server.services.store.ticketFacts('2000-01-01')).map((f) => f.ref)).toContain(ref);
  });

  it('is refused while the ticket is on legal hold', async () => {
    const ref = await markedReport(server, 'erase-held', 'Held-Not-Erased-12');
    await admin.get(`/staff/tickets/${ref}`);
    expect((await admin.post(`/staff/tickets/${ref}/legal-hold`, { hold: 'on' })).status).toBe(303);
    const page = await admin.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('legal-hold');
    const refused = await admin.post(`/staff/tickets/${ref}/erase`, { reason: 'asked', confirm: ref });
    expect(refused.status).toBe(409);
    expect((await server.services.store.getTicket(ref))!.erasedAt).toBeNull();
    expect((await server.services.store.auditOf(ref)).map((e) => e.action)).toContain('legal_hold.set');
  });
});

describe('an access request', () => {
  it("holds every ticket of the reporter, in the reporter's language, and nothing of another reporter", async () => {
    const first = await markedReport(server, 'access-me', 'Access-First-501', 'สวัสดีค่ะ');
    // A second report from the same chat.
    const second = (await playScript(server, 'access-me', '/start', { ...FISHING_BOAT, location: { text: 'Access-Second-502 market' } })).replies.find((r) => r.ticket)?.ticket?.ref;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const other = await markedReport(server, 'access-other', 'Other-Reporter-999');

    await admin.get(`/staff/tickets/${first}`);
    const res = await admin.postBytes(`/staff/tickets/${first}/access-request`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = unzipSync(new Uint8Array(res.bytes));
    const names = Object.keys(zip);
    expect(names).toEqual(expect.arrayContaining(['summary.txt', 'conversation.txt', 'data.json']));
    const text = (n: string) => Buffer.from(zip[n]!).toString('utf8');
    const summary = text('summary.txt');
    expect(summary).toContain(t('th')('access_request.title'));
    for (const ref of [first, second!]) expect(summary).toContain(ref);
    const data = JSON.parse(text('data.json')) as { tickets: { ref: string; audit: { action: string }[] }[] };
    expect(data.tickets.map((x) => x.ref).sort()).toEqual([first, second!].sort());
    expect(text('conversation.txt')).toContain('Access-First-501');
    expect(text('conversation.txt')).toContain('Access-Second-502');
    expect(names.filter((n) => n.startsWith(`attachments/${first}/`)).length).toBeGreaterThan(0);
    // Who saw them: the administrator who opened the first.
    expect(data.tickets.find((x) => x.ref === first)!.audit.map((e) => e.action)).toContain('ticket.viewed');
    // Nothing of the other reporter anywhere in the archive.
    for (const n of names) {
      const bytes = Buffer.from(zip[n]!);
      expect(bytes.includes(Buffer.from(other)), n).toBe(false);
      expect(bytes.includes(Buffer.from('Other-Reporter-999')), n).toBe(false);
    }
    for (const ref of [first, second!]) expect((await server.services.store.auditOf(ref)).map((e) => e.action)).toContain('access.exported');
    // Agents (of an agency the case went to) cannot.
    await agent.get('/staff');
    expect((await agent.postBytes(`/staff/tickets/${first}/access-request`)).status).toBe(403);
  });
});

describe('personal details on the ticket page', () => {
  it('are hidden until a click, which is written to the audit trail; the queue holds no name', async () => {
    const marker = 'Reveal-Pier-Somchai-88';
    const ref = await markedReport(server, 'reveal-me', marker);
    await server.sim({ user: 'reveal-me', text: 'my name is Somchai Jaidee, call 081 234 5678' });

    const hidden = await agent.get(`/staff/tickets/${ref}`);
    expect(hidden.status).toBe(200);
    for (const secret of [marker, 'Somchai', '081 234 5678']) expect(hidden.text).not.toContain(secret);
    expect(hidden.text).not.toMatch(/<img [^>]*attachments\//);
    expect(hidden.text).toContain(`/staff/tickets/${ref}?personal=1`);
    const viewedBefore = (await server.services.store.auditOf(ref)).filter((e) => e.action === 'personal.viewed').length;

    const shown = await agent.get(`/staff/tickets/${ref}?personal=1`);
    expect(shown.text).toContain(marker);
    expect(shown.text).toContain('Somchai Jaidee');
    expect(shown.text).toMatch(/<img [^>]*attachments\//);
    const viewed = (await server.services.store.auditOf(ref)).filter((e) => e.action === 'personal.viewed');
    expect(viewed.length).toBe(viewedBefore + 1);
    expect(viewed.at(-1)!.actor).toMatch(/^staff:/);
    // The audit trail says it in words.
    expect((await agent.get(`/staff/tickets/${ref}`)).text).toContain('Viewed personal details');

    const queue = await agent.get('/staff?status=all');
    expect(queue.text).toContain(ref);
    for (const secret of [marker, 'Somchai', 'Samut Sakhon', '081 234 5678']) expect(queue.text).not.toContain(secret);
  });
});
