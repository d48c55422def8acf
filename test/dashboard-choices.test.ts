/**
 * The dashboard over real HTTP (issue 10, item 20): a refused form comes back as the staff member
 * filled it in; the ticket page says why the ticket has its priority, from the policy's rules; the
 * queue refreshes itself without keeping an idle session alive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from './helpers/channel-app.ts';
import { addStaff, FISHING_BOAT, IN_DANGER, StaffClient, ticketFrom, UNPAID } from './helpers/staff.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let sup: StaffClient;
let boat: string;

beforeAll(async () => {
  server = await startServer({ QUEUE_REFRESH_SECONDS: '5' });
  await addStaff(server, 'sup', 'supervisor', 'th-police-atp');
  await addStaff(server, 'sup-th', 'supervisor', 'th-police-atp', 'th');
  boat = await ticketFrom(server, 'choices-boat', FISHING_BOAT);
  sup = new StaffClient(server.url);
  await sup.login('sup');
});
afterAll(async () => server?.close());

describe('a refused form keeps what the staff member chose', () => {
  // [action, form sent, what the page shows again, what it must not show]
  const table: [string, Record<string, string>, RegExp[], RegExp[]][] = [
    ['referral', { decision: 'declined', reason: '  ' }, [/id="dec-decline" name="decision" value="declined" checked>/], [/value="accepted" checked>/]],
    ['status', { status: 'closed', outcome: '' }, [/<option value="closed" selected>/], [/<option value="new" selected>/]],
    ['message', { message: 'ข้อความ '.repeat(300) }, [/<textarea id="message"[^>]*>(ข้อความ ){300}<\/textarea>/], []],
    ['notes', { note: 'n'.repeat(4001) }, [/<textarea id="note"[^>]*>n{4001}<\/textarea>/], []],
    ['duplicate', { original: 'TR-ZZZZ-ZZZZ' }, [/<input id="original"[^>]*value="TR-ZZZZ-ZZZZ">/], []],
    ['refer', { agency: 'no-such-agency', mode: 'transfer', from: 'th-police-atp' }, [/id="mode-transfer" name="mode" value="transfer" checked>/], [/value="refer" checked>/]],
  ];
  it.each(table)('%s', async (action, form, shown, hidden) => {
    await sup.get(`/staff/tickets/${boat}`);
    const res = await sup.post(`/staff/tickets/${boat}/${action}`, form);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<p class="notice error" role="alert">/);
    for (const re of shown) expect(res.text).toMatch(re);
    for (const re of hidden) expect(res.text).not.toMatch(re);
    // Nothing was changed by the refused form.
    const t = (await server.services.store.getTicket(boat))!;
    expect(t.status).not.toBe('closed');
    expect(t.referrals.find((r) => r.agency === 'th-police-atp')?.status).toBe('pending');
  });

  it('an accepted decision after the error still works', async () => {
    await sup.get(`/staff/tickets/${boat}`);
    expect((await sup.post(`/staff/tickets/${boat}/referral`, { decision: 'declined', reason: 'Handled by the Marine Police' })).status).toBe(303);
    expect((await server.services.store.getTicket(boat))!.referrals.find((r) => r.agency === 'th-police-atp')?.status).toBe('declined');
  });
});

describe('why a ticket has its priority', () => {
  // [script, priority, the policy rule's reason, a fact it rests on]
  // [script name, answers, priority, the policy rule's reason, the facts it rests on]
  const table: [string, Record<string, never>, string, string, string][] = [
    ['in danger', IN_DANGER as never, 'P1', 'in danger now', 'Yes'],
    ['fishing boat', FISHING_BOAT as never, 'P2', 'a strong indicator of trafficking', 'Documents taken · Threats or violence · Not free to leave'],
  ];
  it.each(table)('%s', async (name, script, priority, because, fact) => {
    const ref = await ticketFrom(server, `why-${name}`, script);
    const page = (await sup.get(`/staff/tickets/${ref}`)).text;
    const reason = /<p class="priority-reason">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
    expect(reason).toContain(`Why ${priority}:`);
    expect(reason).toContain(because);
    expect(reason).toContain(fact);
  });

  it('the default priority says no higher rule matched, in Thai too', async () => {
    const ref = await ticketFrom(server, 'why-unpaid', UNPAID);
    const ticket = (await server.services.store.getTicket(ref))!;
    expect(ticket.priority).toBe('P3');
    // An agent of the Department of Employment sees it; the admin-less supervisor of the police does not.
    await addStaff(server, 'doe-th', 'agent', 'th-doe-1694', 'th');
    const thai = new StaffClient(server.url);
    await thai.login('doe-th');
    const page = (await thai.get(`/staff/tickets/${ref}`)).text;
    expect(page).toContain('เหตุที่เป็น P3:');
    expect(page).toContain('ไม่ตรงกับกฎของความเร่งด่วนที่สูงกว่า');
  });
});

describe('the queue refreshes itself', () => {
  it('loads its refresh script, allowed by the policy, with the configured interval', async () => {
    const queue = await sup.get('/staff?priority=P1');
    expect(queue.text).toContain('<script src="/staff/static/queue.js" defer></script>');
    expect(queue.text).toMatch(/<div id="queue-live" data-refresh="5">/);
    expect(queue.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await fetch(`${server.url}/staff/static/queue.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain("'x-tangrod-refresh': '1'");
  });

  it('a background refresh does not keep an idle session alive; a real visit does', async () => {
    const c = new StaffClient(server.url);
    await c.login('sup-th');
    await c.get('/staff');
    const seen = () => queryDb<{ t: string }>(server, `SELECT MAX(s.last_seen_at) AS t FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE u.name = 'sup-th'`)[0]!.t;
    const before = seen();
    await new Promise((r) => setTimeout(r, 20));
    c.headers = { 'x-tangrod-refresh': '1' };
    expect((await c.get('/staff')).status).toBe(200);
    expect(seen()).toBe(before);
    c.headers = {};
    await c.get('/staff');
    expect(seen() > before).toBe(true);
  });
});
