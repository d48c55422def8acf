/**
 * Services from needs (issue 15), over real HTTP: a screening that names shelter, legal help and
 * going home creates three services routed by flows/policy.yaml, each with its response target;
 * staff change their status on the ticket page (audited, "not possible" only with a reason); one
 * passes its due date and shows as overdue in the queue and on the ticket, and its agency's
 * case-management system is alerted once, by the same alert machinery as referrals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWebhook, startFakeWebhook } from './fakes/fake-webhook.ts';
import { waitFor } from './helpers/channel-app.ts';
import { HOUR, KH_FISHER, testClock } from './helpers/care.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient, ticketFrom } from './helpers/staff.ts';

const T0 = '2026-03-02T03:00:00.000Z';
const time = testClock(T0);
let server: TestServer;
let hook: FakeWebhook;
let staff: StaffClient;
let ref: string;
let token: string;

beforeAll(async () => {
  hook = await startFakeWebhook();
  server = await startServer({ SIMULATOR_ALERTS: 'on' }, time.clock);
  await server.services.store.setAgencyAlerts('th-msdhs-1300', { webhookUrl: hook.url, webhookSecret: 'msdhs-cms-secret-0123456789', lang: 'en' });
  await addStaff(server, 'malee', 'supervisor', 'th-msdhs-1300');
  staff = new StaffClient(server.url);
  await staff.login('malee');
  ref = await ticketFrom(server, 'kh-fisher-1', KH_FISHER);
  token = await server.token('th-msdhs-1300');
});
afterAll(async () => {
  await server?.close();
  await hook?.close();
});

describe('services from needs', () => {
  it('creates one service per need, routed by the policy, due by its kind\'s target', async () => {
    const { status, body } = await server.api(`/api/tickets/${ref}`, token);
    expect(status).toBe(200);
    const due = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();
    // flows/policy.yaml: in Thailand every kind goes to MSDHS (1300); shelter 24 h, legal 168 h, go_home 720 h.
    expect(body.services).toEqual([
      { kind: 'shelter', agency: 'th-msdhs-1300', status: 'requested', dueAt: due(24) },
      { kind: 'legal', agency: 'th-msdhs-1300', status: 'requested', dueAt: due(168) },
      { kind: 'go_home', agency: 'th-msdhs-1300', status: 'requested', dueAt: due(720) },
    ]);
    // The list carries them too.
    const list = await server.api('/api/tickets', token);
    expect(list.body.tickets.find((t: { ref: string }) => t.ref === ref).services).toHaveLength(3);
    // A Thai citizen abroad with the same needs: the consulate, as the policy says.
    const thai = await ticketFrom(server, 'thai-abroad-1', { ...KH_FISHER, current_country: { choice: 'KH' }, nationality: { choice: 'TH' }, needs: { choice: 'shelter' } });
    const all = await server.token('all');
    expect((await server.api(`/api/tickets/${thai}`, all)).body.services).toMatchObject([{ kind: 'shelter', agency: 'th-mfa-consular', status: 'requested' }]);
  });

  it('changes status on the ticket page, audited; "not possible" needs a reason', async () => {
    time.plus(HOUR);
    const page = await staff.get(`/staff/tickets/${ref}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Services and return home');
    expect(page.text).toContain('data-service="legal"');

    const refused = await staff.post(`/staff/tickets/${ref}/service`, { kind: 'legal', status: 'not_possible', reason: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Say why the service is not possible.');

    expect((await staff.post(`/staff/tickets/${ref}/service`, { kind: 'shelter', status: 'arranged' })).location).toBe(`/staff/tickets/${ref}?done=service`);
    time.plus(HOUR);
    expect((await staff.post(`/staff/tickets/${ref}/service`, { kind: 'shelter', status: 'delivered' })).location).toBe(`/staff/tickets/${ref}?done=service`);

    const services = (await server.api(`/api/tickets/${ref}`, token)).body.services;
    expect(services.find((s: { kind: string }) => s.kind === 'shelter').status).toBe('delivered');
    const trail = (await server.services.store.auditOf(ref)).filter((e) => e.action.startsWith('service.'));
    expect(trail.map((e) => [e.action, e.detail?.kind, e.detail?.to ?? null])).toEqual([
      ['service.requested', 'shelter', null],
      ['service.requested', 'legal', null],
      ['service.requested', 'go_home', null],
      ['service.status_changed', 'shelter', 'arranged'],
      ['service.status_changed', 'shelter', 'delivered'],
    ]);
    expect(trail.at(-1)!.actor).toMatch(/^staff:/);
    expect(trail.at(-1)!.at).toBe(new Date(Date.parse(T0) + 2 * HOUR).toISOString());
  });

  it('an open service past its due date shows as overdue and alerts its agency, once', async () => {
    // Nothing is overdue yet: the tick sends nothing.
    await server.services.escalation.tick(time.now());
    expect(hook.hits.filter((h) => h.raw.includes('care.overdue'))).toHaveLength(0);
    let queue = await staff.get('/staff');
    expect(queue.text).not.toContain('care-overdue');

    // Past the legal service's 168 hours.
    time.at(new Date(Date.parse(T0) + 170 * HOUR).toISOString());
    await server.services.escalation.tick(time.now());
    await server.services.escalation.tick(time.now());
    // A week later the staff session has expired: log in again.
    await staff.login('malee');
    const hit = await waitFor(() => hook.accepted().find((h) => h.raw.includes('care.overdue')), 10_000, 'the overdue alert');
    const body = JSON.parse(hit.raw);
    expect(body).toMatchObject({ event: 'care.overdue', agency: 'th-msdhs-1300', item: { plan: 'service', id: 'legal' }, ticket: { ref } });
    // No personal details in the alert.
    expect(hit.raw).not.toMatch(/13\.54|100\.27/);
    expect(hook.hits.filter((h) => h.raw.includes('care.overdue'))).toHaveLength(1);

    queue = await staff.get('/staff');
    const row = queue.text.slice(queue.text.indexOf(`data-ref="${ref}"`) - 40, queue.text.indexOf(`data-ref="${ref}"`) + 2000);
    expect(row).toContain('is-overdue');
    expect(row).toContain('1 service or step overdue');
    const page = await staff.get(`/staff/tickets/${ref}`);
    expect(page.text).toMatch(/data-service="legal">[\s\S]*?overdue by/);
    const overdue = (await server.services.store.auditOf(ref)).filter((e) => e.action === 'service.overdue');
    expect(overdue).toMatchObject([{ actor: 'system', detail: { kind: 'legal', agency: 'th-msdhs-1300' } }]);

    // Delivered late: no longer overdue.
    await staff.get('/staff');
    expect((await staff.post(`/staff/tickets/${ref}/service`, { kind: 'legal', status: 'delivered' })).location).toBe(`/staff/tickets/${ref}?done=service`);
    expect((await staff.get('/staff')).text).not.toContain('care-overdue');
  });
});
