/**
 * Return plans (issue 15), over real HTTP: a Cambodian fishing worker's return through every step
 * of flows/repatriation.yaml (identity, travel document, date and crossing, handover at the border,
 * arrival), in order; a cross-border step refused without consent_cross_border=yes; the Cambodian
 * receiving agency's token sees its own steps only; the reporter, who wrote in Khmer, gets the short
 * updates in Khmer at the steps they should know about, never the crossing's details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, KH_FISHER, testClock } from './helpers/care.ts';
import { playScript } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';

const T0 = '2026-04-06T02:00:00.000Z';
const time = testClock(T0);
const CROSSING_DETAILS = 'Poipet checkpoint 06:00, escort Officer Dara';
let server: TestServer;
let admin: StaffClient;
let ref: string;
let all: string;

/** Plays a screening opened in Khmer; returns the ticket reference. */
async function khmerTicket(user: string, answers: typeof KH_FISHER): Promise<string> {
  const { replies } = await playScript(server, user, 'សួស្តី ខ្ញុំត្រូវការជំនួយ', answers);
  const found = replies.find((r) => r.ticket)?.ticket?.ref;
  if (!found) throw new Error('no ticket');
  return found;
}

/** Posts a change to a step as the administrator, logging in again first (days pass between steps: sessions expire). */
async function step(stepId: string, form: Record<string, string>) {
  await admin.login('root');
  await admin.get('/staff');
  return admin.post(`/staff/tickets/${ref}/return-step`, { step: stepId, ...form });
}
/** A change that went through: back to the ticket page, not to the login page. */
const saved = (page: { status: number; location: string | null }) => expect([page.status, page.location]).toEqual([303, `/staff/tickets/${ref}?done=return-step`]);

beforeAll(async () => {
  server = await startServer({}, time.clock);
  await addStaff(server, 'root', 'admin');
  admin = new StaffClient(server.url);
  await admin.login('root');
  await admin.get('/staff');
  ref = await khmerTicket('kh-return-1', KH_FISHER);
  all = await server.token('all');
});
afterAll(async () => {
  await server?.close();
});

describe('a return home, step by step', () => {
  it('starts the plan that fits, with each step\'s owner and due date', async () => {
    const before = await server.api(`/api/tickets/${ref}`, all);
    expect(before.body.language).toBe('km');
    expect(before.body.repatriation).toBeNull();
    expect(before.body.referrals.map((r: { agency: string }) => r.agency)).toContain('kh-ncct');
    expect((await admin.post(`/staff/tickets/${ref}/return-start`)).location).toBe(`/staff/tickets/${ref}?done=return-start`);
    // Only one plan at a time.
    expect((await admin.post(`/staff/tickets/${ref}/return-start`)).status).toBe(409);
    const due = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();
    const { body } = await server.api(`/api/tickets/${ref}`, all);
    expect(body.repatriation.plan).toBe('foreign_in_thailand');
    expect(body.repatriation.steps.map((s: Record<string, unknown>) => ({ id: s.id, agency: s.agency, status: s.status, dueAt: s.dueAt }))).toEqual([
      { id: 'identity_confirmed', agency: 'kh-ncct', status: 'pending', dueAt: due(14) },
      { id: 'travel_document', agency: 'kh-ncct', status: 'pending', dueAt: due(21) },
      { id: 'date_and_crossing', agency: 'th-msdhs-1300', status: 'pending', dueAt: due(28) },
      { id: 'handover_border', agency: 'kh-ncct', status: 'pending', dueAt: due(30) },
      { id: 'arrival_confirmed', agency: 'kh-ncct', status: 'pending', dueAt: due(35) },
    ]);
  });

  it('the Cambodian receiving agency\'s token sees its own steps only; a Thai agency sees the plan', async () => {
    const ncct = await server.api(`/api/tickets/${ref}`, await server.token('kh-ncct'));
    expect(ncct.status).toBe(200);
    expect(ncct.body.repatriation.steps.map((s: { id: string }) => s.id)).toEqual(['identity_confirmed', 'travel_document', 'handover_border', 'arrival_confirmed']);
    expect(ncct.body.repatriation.steps.every((s: { agency: string }) => s.agency === 'kh-ncct')).toBe(true);
    const msdhs = await server.api(`/api/tickets/${ref}`, await server.token('th-msdhs-1300'));
    expect(msdhs.body.repatriation.steps).toHaveLength(5);
  });

  it('runs through every step in order, and tells the reporter in Khmer at the steps they should know', async () => {
    // Arrival cannot be confirmed before the steps before it.
    const early = await step('arrival_confirmed', { status: 'done' });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Finish the steps before this one first');

    time.plus(3 * DAY);
    saved(await step('identity_confirmed', { status: 'done' }));
    time.plus(5 * DAY);
    saved(await step('travel_document', { status: 'done' }));
    time.plus(DAY);
    // The date and the crossing point are staff's business: in the step's note, never in the update.
    saved(await step('date_and_crossing', { status: 'in_progress', planned: '2026-04-20', note: CROSSING_DETAILS }));
    saved(await step('date_and_crossing', { status: 'done' }));
    time.at('2026-04-20T01:00:00.000Z');
    saved(await step('handover_border', { status: 'done' }));
    time.plus(DAY);
    saved(await step('arrival_confirmed', { status: 'done' }));

    const { body } = await server.api(`/api/tickets/${ref}`, all);
    expect(body.repatriation.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(body.repatriation.steps[2].plannedAt).toBe('2026-04-20');
    // The return is complete: audited, and the go_home service delivered.
    const trail = await server.services.store.auditOf(ref);
    expect(trail.filter((e) => e.action === 'return.step_changed').map((e) => [e.detail?.step, e.detail?.to ?? null])).toEqual([
      ['identity_confirmed', 'done'],
      ['travel_document', 'done'],
      ['date_and_crossing', 'in_progress'],
      ['date_and_crossing', 'done'],
      ['handover_border', 'done'],
      ['arrival_confirmed', 'done'],
    ]);
    expect(trail.filter((e) => e.action === 'return.completed')).toMatchObject([{ detail: { plan: 'foreign_in_thailand', arrived: true } }]);
    expect(body.services.find((s: { kind: string }) => s.kind === 'go_home').status).toBe('delivered');
    // No free text in the audit trail.
    expect(JSON.stringify(trail)).not.toContain('Poipet');

    // What reached the reporter: three short updates in Khmer, the locale's words exactly.
    const km = server.services.definitions.translations.t('km');
    const sent = (await fetch(`${server.url}/api/sim/messages?user=kh-return-1`).then((r) => r.json())).replies.map((r: { text: string }) => r.text);
    expect(sent).toEqual([km('return_update.document', { ref }), km('return_update.date_set', { ref }), km('return_update.arrived', { ref })]);
    expect(sent.every((t: string) => /[\u1780-\u17FF]/.test(t))).toBe(true);
    expect(sent.join(' ')).not.toMatch(/Poipet|06:00|Dara|2026-04-20/);
  });

  it('refuses a cross-border step without consent_cross_border=yes', async () => {
    const other = await khmerTicket('kh-return-2', { ...KH_FISHER, consent_cross_border: { choice: 'no' } });
    // Without that consent the Cambodian side never had the case.
    expect((await server.api(`/api/tickets/${other}`, await server.token('kh-ncct'))).status).toBe(404);
    expect((await admin.post(`/staff/tickets/${other}/return-start`)).location).toBe(`/staff/tickets/${other}?done=return-start`);
    const refused = await admin.post(`/staff/tickets/${other}/return-step`, { step: 'identity_confirmed', status: 'in_progress' });
    expect(refused.status).toBe(409);
    expect((await server.api(`/api/tickets/${other}`, all)).body.repatriation.steps[0].status).toBe('pending');
    // The Thai side's own step can go on.
    expect((await admin.post(`/staff/tickets/${other}/return-step`, { step: 'date_and_crossing', status: 'in_progress' })).location).toBe(`/staff/tickets/${other}?done=return-step`);
    const page = await admin.get(`/staff/tickets/${other}`);
    expect(page.text).toContain('Needs the reporter&#39;s consent to share across borders.');
  });
});
