/**
 * Reporter updates (issue 6): the reporter hears, in their language, that an agency took the case,
 * that it was passed on, and that it closed; staff messages carry a "from the hotline" line; what
 * the reporter writes after the screening ended goes to the case (and marks it for staff) instead
 * of starting a new screening, while EXIT, /start, /status and /lang keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/conversation/reply.ts';
import { addStaff, FISHING_BOAT, StaffClient } from './helpers/staff.ts';
import { playScript } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let supervisor: StaffClient;
const user = 'thai-reporter';
let ref: string;

const later = async (u: string): Promise<Reply[]> => (await fetch(`${server.url}/api/sim/messages?user=${u}`).then((r) => r.json())).replies;

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'atp-boss', 'supervisor', 'th-police-atp');
  supervisor = new StaffClient(server.url);
  await supervisor.login('atp-boss');
  // Written in Thai: the conversation, and so the updates, are in Thai.
  const { replies } = await playScript(server, user, 'สวัสดีค่ะ', FISHING_BOAT);
  ref = replies.find((r) => r.ticket)!.ticket!.ref;
  expect((await server.services.store.getTicket(ref))!.language).toBe('th');
});
afterAll(async () => server?.close());

describe('updates to the reporter', () => {
  it('tells the reporter, in Thai, that the agency took the case and that it was passed on', async () => {
    await supervisor.get(`/staff/tickets/${ref}`);
    expect((await supervisor.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' })).status).toBe(303);
    const accepted = await later(user);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.text).toContain(ref);
    expect(accepted[0]!.text).toContain('รับเรื่องแล้ว');
    expect((await supervisor.post(`/staff/tickets/${ref}/refer`, { agency: 'th-dsi-1202', mode: 'refer' })).status).toBe(303);
    const referred = await later(user);
    expect(referred[0]!.text).toContain('ส่งต่อ');
    // The updates are in the case's conversation for staff to see.
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript.filter((m) => (m.body as { update?: string }).update).map((m) => (m.body as { update: string }).update)).toEqual(['accepted', 'referred']);
  });

  it('prefixes staff messages with a line in the reporter\'s language', async () => {
    await supervisor.get(`/staff/tickets/${ref}`);
    await supervisor.post(`/staff/tickets/${ref}/message`, { message: 'ตอนนี้คุณปลอดภัยไหม' });
    expect(await later(user)).toEqual([{ text: 'ข้อความจากเจ้าหน้าที่สายด่วน:\nตอนนี้คุณปลอดภัยไหม' }]);
  });

  it('adds the reporter\'s answer to the case instead of starting again, and marks the ticket', async () => {
    const res = await server.sim({ user, text: 'ปลอดภัยค่ะ อยู่ที่ห้องพัก' });
    expect(res.status).toBe(200);
    expect(res.body.replies).toHaveLength(1);
    expect(res.body.replies[0]!.text).toContain(ref);
    expect(res.body.replies[0]!.text).toContain('/start');
    expect(res.body.replies[0]!.choices).toBeUndefined();
    const ticket = (await server.services.store.getTicket(ref))!;
    expect(ticket.updatedByReporterAt).not.toBeNull();
    const transcript = await server.services.store.transcriptOf(`sim:${user}`);
    expect(transcript.at(-2)).toMatchObject({ direction: 'in', body: { text: 'ปลอดภัยค่ะ อยู่ที่ห้องพัก' } });
    // Staff see it in the queue and on the ticket; opening the ticket marks it read.
    expect((await supervisor.get('/staff')).text).toContain('New message');
    const page = await supervisor.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('New message from the reporter');
    expect(page.text).toContain('ปลอดภัยค่ะ อยู่ที่ห้องพัก');
    expect((await server.services.store.getTicket(ref))!.updatedByReporterAt).toBeNull();
    // The audit trail says that they wrote, never what.
    const wrote = (await server.services.store.auditOf(ref)).filter((a) => a.action === 'reporter.wrote');
    expect(wrote.at(-1)).toMatchObject({ actor: 'reporter', detail: { type: 'text' } });
    expect(JSON.stringify(wrote)).not.toContain('ปลอดภัย');
  });

  it('keeps /status, /lang and /start working for a reporter with an open case', async () => {
    const status = await server.sim({ user, text: '/status' });
    expect(status.body.replies[0]!.text).toContain(ref);
    // Accepted by an agency: "being handled", as the update said, not "waiting for staff".
    expect(status.body.replies[0]!.text).toContain('กำลังดำเนินการ');
    const lang = await server.sim({ user, text: '/lang' });
    expect(lang.body.replies.at(-1)!.expects?.key).toBe('lang');
    const start = await server.sim({ user, text: '/start' });
    expect(start.body.replies.at(-1)!.expects).toBeDefined();
    // Back at the start of a new screening: a free text now answers it, not the old case.
    const before = (await server.services.store.auditOf(ref)).filter((a) => a.action === 'reporter.wrote').length;
    await server.sim({ user, text: 'ไม่แน่ใจ' });
    expect((await server.services.store.auditOf(ref)).filter((a) => a.action === 'reporter.wrote')).toHaveLength(before);
    // EXIT still ends it, and names the open case.
    const exit = await server.sim({ user, text: '/exit' });
    expect(exit.body.replies[0]!.text).toContain(ref);
  });

  it('tells the reporter when the case is closed', async () => {
    // The EXIT above stopped everything to this chat; writing again lets case updates through.
    await server.sim({ user, text: '/status' });
    await supervisor.get(`/staff/tickets/${ref}`);
    expect((await supervisor.post(`/staff/tickets/${ref}/status`, { status: 'closed', outcome: 'assisted' })).status).toBe(303);
    const closed = await later(user);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.text).toContain('ปิดแล้ว');
    // A closed case takes no more messages: writing starts a new conversation.
    const res = await server.sim({ user, text: 'สวัสดีค่ะ' });
    expect(res.body.replies.at(-1)!.expects).toBeDefined();
  });

  it('answers a staff question in the middle of the screening, then asks the pending question again', async () => {
    const u = 'mid-flow';
    // In danger: the ticket exists at once, and the screening goes on.
    let res = await server.sim({ user: u, text: 'hello' });
    res = await server.sim({ user: u, choice: 'yes' });
    res = await server.sim({ user: u, choice: 'TH' });
    const r = res.body.replies.find((x) => x.ticket)?.ticket?.ref;
    expect(r).toBeDefined();
    const pending = res.body.replies.at(-1)!.expects!.key;
    const admin = new StaffClient(server.url);
    await addStaff(server, 'root-admin', 'admin');
    await admin.login('root-admin');
    await admin.get(`/staff/tickets/${r}`);
    expect((await admin.post(`/staff/tickets/${r}/message`, { message: 'Are you safe right now?' })).status).toBe(303);
    res = await server.sim({ user: u, text: 'yes, hiding in the toilet' });
    expect(res.body.replies[0]!.text).toContain(r!);
    expect(res.body.replies.at(-1)!.expects?.key).toBe(pending);
    expect((await server.services.store.getTicket(r!))!.updatedByReporterAt).not.toBeNull();
  });
});
