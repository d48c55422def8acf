/**
 * Nothing lost when interrupted (issue 9 item 5): consent comes right after what decides priority and
 * routing, and the ticket is created there. A person whose phone is taken after consenting is in the
 * staff queue with what they said; one who stopped before consenting shared nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { question, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** Plays taps until (and including) `until`, then stops, as a person who must put the phone away. */
async function playUntil(user: string, taps: Record<string, string>, until: string) {
  let res = await server.sim({ user, text: 'hello' });
  for (let i = 0; i < 20; i++) {
    const key = question(res.body.replies)?.expects?.key;
    if (!key) throw new Error('the conversation ended');
    const choice = taps[key] ?? 'skip';
    res = await server.sim({ user, choice });
    if (key === until) return res;
  }
  throw new Error(`never asked ${until}`);
}

const CAMBODIAN_WORKER = { in_danger_now: 'no', menu: 'help_me', current_country: 'TH', nationality: 'KH', age_group: 'adult', happened: 'documents,cannot_leave,unpaid', consent_scope: 'thailand' };

describe('an interrupted screening', () => {
  it('after consent: the ticket is in the staff queue, with what the person said', async () => {
    const res = await playUntil('stopped-after-consent', CAMBODIAN_WORKER, 'consent_scope');
    const ref = res.body.replies.find((r) => r.ticket)?.ticket?.ref;
    expect(ref).toBeDefined();
    // The phone is taken here: no more answers.
    const token = await server.token('all');
    const queue = await server.api('/api/tickets', token);
    expect(queue.status).toBe(200);
    const ticket = queue.body.tickets.find((t: { ref: string }) => t.ref === ref);
    expect(ticket).toMatchObject({ status: 'new', priority: 'P2', caseType: 'labour_trafficking', language: 'en', role: 'self' });
    const full = (await server.api(`/api/tickets/${ref}`, token)).body;
    expect(full.answers).toMatchObject({ current_country: 'TH', nationality: 'KH', documents_taken: 'yes', free_to_leave: 'no', wages_withheld: 'yes', consent_share: 'yes', consent_cross_border: 'no' });
    expect(full.referrals.map((r: { agency: string }) => r.agency).sort()).toEqual(['th-msdhs-1300', 'th-police-atp']);
    // The police agency's own token sees it in its queue too.
    const police = await server.token('th-police-atp');
    expect((await server.api('/api/tickets', police)).body.tickets.map((t: { ref: string }) => t.ref)).toContain(ref);
  });

  it('before consent: nothing was shared, no ticket', async () => {
    await playUntil('stopped-before-consent', CAMBODIAN_WORKER, 'happened');
    const tickets = (await server.services.store.listTickets({})).filter((t) => t.userId === 'stopped-before-consent');
    expect(tickets).toEqual([]);
  });
});
