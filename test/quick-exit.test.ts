/**
 * Issue 10 item 4: the quick exit really stops contact. (a) What was queued for the chat and not
 * yet delivered is cancelled. (b) After the exit nothing goes to the chat, neither staff messages
 * nor case updates, until the person writes again; the ticket page says the reporter left.
 * (c), writing first to someone who said no, is in dashboard-actions.test.ts; (d), LINE's goodbye,
 * in line-report.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/conversation/reply.ts';
import { queryDb } from './helpers/channel-app.ts';
import { addStaff, FISHING_BOAT, StaffClient, ticketFrom } from './helpers/staff.ts';
import { startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
let staff: StaffClient;

/** Messages that reached the simulator user after their own requests (staff, case updates). */
async function later(user: string): Promise<Reply[]> {
  return ((await fetch(`${server.url}/api/sim/messages?user=${user}`).then((r) => r.json())) as { replies: Reply[] }).replies;
}

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'exit-lead', 'supervisor', 'th-police-atp');
  staff = new StaffClient(server.url);
  await staff.login('exit-lead');
});
afterAll(async () => server?.close());

describe('quick exit (issue 10 item 4)', () => {
  it('cancels what was queued for the chat and not yet delivered', async () => {
    const user = 'exit-pending';
    const ref = await ticketFrom(server, user, FISHING_BOAT);
    await staff.get(`/staff/tickets/${ref}`);
    // Staff write, and the agency takes the case on: both wait for the reporter's phone.
    expect((await staff.post(`/staff/tickets/${ref}/message`, { message: 'We found your brother Ko Aung' })).status).toBe(303);
    expect((await staff.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' })).status).toBe(303);
    const bye = await server.sim({ user, text: 'EXIT' });
    expect(bye.body.replies).toHaveLength(1);
    // Nothing queued before the exit comes out after it.
    expect(await later(user)).toEqual([]);
    expect(queryDb(server, `SELECT id FROM outbox WHERE channel = 'sim' AND recipient = ? AND status = 'pending'`, user)).toEqual([]);
  });

  it('sends nothing after the exit until the person writes again, and the ticket page says they left', async () => {
    const user = 'exit-silent';
    const ref = await ticketFrom(server, user, FISHING_BOAT);
    await server.sim({ user, text: 'EXIT' });

    // Staff cannot write: the page says why, and a post is refused.
    const page = await staff.get(`/staff/tickets/${ref}`);
    expect(page.text).toContain('left the chat with the quick exit');
    expect(page.text).not.toContain('name="message"');
    const refused = await staff.post(`/staff/tickets/${ref}/message`, { message: 'Are you there?' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('quick exit');
    // A case update (the agency takes the case on) is not sent either, nor the close.
    expect((await staff.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' })).status).toBe(303);
    expect((await staff.post(`/staff/tickets/${ref}/status`, { status: 'in_progress' })).status).toBe(303);
    expect(await later(user)).toEqual([]);
    expect((await server.services.store.auditOf(ref)).some((a) => a.action === 'reporter.left')).toBe(true);

    // The person writes again: staff may answer.
    const back = await server.sim({ user, text: '/status' });
    expect(texts(back.body.replies)).toContain(ref);
    expect((await staff.get(`/staff/tickets/${ref}`)).text).not.toContain('left the chat with the quick exit');
    expect((await staff.post(`/staff/tickets/${ref}/message`, { message: 'We are here when you need us.' })).status).toBe(303);
    expect(texts(await later(user))).toContain('We are here when you need us.');
  });
});
