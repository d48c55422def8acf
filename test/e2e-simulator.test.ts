/**
 * End to end: the real server on a free port with a temporary database. A whole victim conversation
 * and an emergency conversation are played through /api/sim/messages, and the tickets are read back
 * through the staff API with bearer tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playScript } from './helpers/script.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

const fishingBoat = {
  in_danger_now: { choice: 'no' },
  menu: { choice: 'help_me' },
  current_country: { choice: 'TH' },
  location: { text: 'Samut Sakhon, fishing port' },
  nationality: { choice: 'MM' },
  age_group: { choice: 'adult' },
  deceived_about_job: { choice: 'yes' },
  documents_taken: { choice: 'yes' },
  free_to_leave: { choice: 'no' },
  threats_or_violence: { choice: 'yes' },
  debt_bondage: { choice: 'unsure' },
  wages_withheld: { choice: 'yes' },
  excessive_hours: { choice: 'yes' },
  isolation: { choice: 'yes' },
  forced_criminality: { choice: 'no' },
  sexual_exploitation: { choice: 'no' },
  needs: { choice: 'shelter,go_home' },
  consent_share: { choice: 'yes' },
  consent_cross_border: { choice: 'yes' },
  contact_ok: { choice: 'yes' },
  confirm_send: { choice: 'send' },
} as const;

describe('a victim screening in English', () => {
  it('asks danger first, reads a summary back, and creates a routed ticket', async () => {
    const { replies, asked } = await playScript(server, 'worker-1', 'hello', fishingBoat);

    // Language came from the first message; danger is the first question.
    expect(asked[0]).toBe('in_danger_now');
    expect(texts(replies)).toContain('never ask you for money');
    expect(texts(replies)).toContain('Here is what you told us');
    expect(texts(replies)).toContain('Passport or ID kept by others: Yes');

    const withRef = replies.find((r) => r.ticket);
    expect(withRef?.ticket?.ref).toMatch(/^TR-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(withRef?.text).toContain('Royal Thai Police anti-trafficking centre');

    const token = await server.token('all');
    const { status, body } = await server.api(`/api/tickets/${withRef!.ticket!.ref}`, token);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ref: withRef!.ticket!.ref,
      status: 'new',
      priority: 'P2',
      caseType: 'labour_trafficking',
      language: 'en',
      role: 'self',
      basis: 'consent',
    });
    expect(body.answers).toMatchObject({ nationality: 'MM', free_to_leave: 'no', needs: ['shelter', 'go_home'], location: { text: 'Samut Sakhon, fishing port' } });
    expect(body.indicators).toEqual(expect.arrayContaining(['documents_taken', 'not_free_to_leave', 'threats_or_violence', 'deceived_about_job']));
    expect(body.referrals.map((r: { agency: string }) => r.agency).sort()).toEqual(['mm-embassy-bkk', 'th-msdhs-1300', 'th-police-atp']);
    expect(body.referrals.every((r: { status: string }) => r.status === 'pending')).toBe(true);
    expect(Date.parse(body.createdAt)).not.toBeNaN();
  });

  it('sends nothing when the person says no to sharing, and gives numbers to call instead', async () => {
    const { replies } = await playScript(server, 'worker-2', 'hi', { ...fishingBoat, consent_share: { choice: 'no' } });
    expect(replies.some((r) => r.ticket)).toBe(false);
    expect(texts(replies)).toContain('We will not share your details');
    expect(texts(replies)).toContain('1694');
    const all = await server.services.store.listTickets({});
    expect(all.filter((t) => t.userId === 'worker-2')).toEqual([]);
  });
});

describe('a multi-select on a channel whose buttons send one choice at a time', () => {
  it('adds each tap, offers the rest with Done, and answers with all of them', async () => {
    const user = 'multi-1';
    let res = await server.sim({ user, text: 'hello' });
    for (let i = 0; i < 30 && question(res.body.replies)?.expects?.key !== 'needs'; i++) {
      const key = question(res.body.replies)!.expects!.key;
      res = await server.sim({ user, choice: key === 'in_danger_now' ? 'no' : key === 'menu' ? 'help_me' : key === 'consent_share' ? 'yes' : 'skip' });
    }
    res = await server.sim({ user, choice: 'food' });
    const after = question(res.body.replies)!;
    expect(texts(res.body.replies)).toContain('Added: Food');
    expect(after.choices!.map((c) => c.id)).not.toContain('food');
    expect(after.choices!.map((c) => c.id)).toContain('done');
    await server.sim({ user, choice: 'medical' });
    res = await server.sim({ user, choice: 'done' });
    expect(question(res.body.replies)?.expects?.key).toBe('location');
    const session = await server.services.store.transaction((tx) => tx.getSession(`sim:${user}`));
    expect(session?.state.answers.needs).toEqual(['food', 'medical']);
  });
});

describe('an emergency in Thai', () => {
  it('shows the country’s emergency numbers at once, creates a P1 ticket, and enriches it', async () => {
    const user = 'scam-compound-1';
    const first = await server.sim({ user, text: 'สวัสดีค่ะ' });
    expect(question(first.body.replies)?.expects?.key).toBe('in_danger_now');
    expect(texts(first.body.replies)).toContain('อันตราย');

    const country = await server.sim({ user, choice: 'yes' });
    expect(question(country.body.replies)?.expects?.key).toBe('current_country');

    const emergency = await server.sim({ user, choice: 'KH' });
    const shown = texts(emergency.body.replies);
    expect(shown).toContain('117');
    expect(shown).toContain('+66 2 572 8442');
    // Verified numbers only: the unverified hotline for Thais abroad is never shown.
    expect(shown).not.toContain('99 130 1300');
    const ref = emergency.body.replies.find((r) => r.ticket)?.ticket?.ref;
    expect(ref).toBeDefined();
    // The numbers come before the ticket message.
    expect(shown.indexOf('117')).toBeLessThan(shown.indexOf(ref!));

    const token = await server.token('all');
    let ticket = (await server.api(`/api/tickets/${ref}`, token)).body;
    expect(ticket).toMatchObject({ priority: 'P1', language: 'th', basis: 'vital_interest' });
    expect(ticket.answers).toMatchObject({ in_danger_now: 'yes', current_country: 'KH' });
    expect(ticket.referrals.length).toBeGreaterThan(0);

    // The person goes on: a Thai national forced to scam, who agrees to cross-border sharing.
    const rest = { menu: { choice: 'help_me' }, nationality: { choice: 'TH' }, age_group: { choice: 'adult' }, happened: { choice: 'documents,forced_crime,cannot_leave' }, consent_scope: { choice: 'abroad_too' }, contact_ok: { choice: 'no' } } as const;
    let res = await server.sim({ user, choice: 'help_me' });
    const later = [...res.body.replies];
    for (let i = 0; i < 40; i++) {
      const q = question(res.body.replies);
      if (!q?.expects) break;
      res = await server.sim({ user, ...((rest as Record<string, { choice: string }>)[q.expects.key] ?? { choice: 'skip' }) });
      later.push(...res.body.replies);
    }
    // The reference given at consent is the one given in the emergency: one case.
    expect(later.find((r) => r.ticket)?.ticket?.ref).toBe(ref);

    ticket = (await server.api(`/api/tickets/${ref}`, token)).body;
    expect(ticket).toMatchObject({ priority: 'P1', caseType: 'forced_criminality', basis: 'consent' });
    expect(ticket.referrals.map((r: { agency: string }) => r.agency)).toEqual(expect.arrayContaining(['th-mfa-consular', 'th-police-atp', 'kh-ncct']));

    // The audit trail says who did what.
    const audit = await server.services.store.auditOf(ref!);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['ticket.created', 'referral.created', 'ticket.reassessed', 'ticket.viewed']));
  });
});

describe('the staff API', () => {
  it('needs a token, scopes it to its agency, and filters', async () => {
    const { replies } = await playScript(server, 'worker-3', 'hello', fishingBoat);
    const ref = replies.find((r) => r.ticket)!.ticket!.ref;

    expect((await server.api('/api/tickets')).status).toBe(401);
    expect((await server.api('/api/tickets', 'tgr_not-a-real-token-at-all')).status).toBe(401);

    const police = await server.token('th-police-atp');
    const labour = await server.token('th-doe-1694');
    expect((await server.api(`/api/tickets/${ref}`, police)).status).toBe(200);
    expect((await server.api(`/api/tickets/${ref}`, labour)).status).toBe(404);
    expect((await server.api('/api/tickets', labour)).body.tickets.map((t: { ref: string }) => t.ref)).not.toContain(ref);
    expect((await server.api('/api/tickets?agency=th-police-atp', labour)).status).toBe(403);

    const all = await server.token('all');
    const p2 = await server.api('/api/tickets?priority=P2&agency=mm-embassy-bkk', all);
    expect(p2.body.tickets.map((t: { ref: string }) => t.ref)).toContain(ref);
    expect(p2.body.tickets.every((t: { priority: string }) => t.priority === 'P2')).toBe(true);
    expect((await server.api('/api/tickets?status=open', all)).status).toBe(400);
    expect((await server.api('/api/tickets?agency=nope', all)).status).toBe(400);
  });
});
