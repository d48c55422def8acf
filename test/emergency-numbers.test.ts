/**
 * Issue 10 item 12: every country the flows offer has its national emergency numbers, with an
 * official source, or says plainly that none is checked (emergency.none); never an invented or
 * unverified number. They are shown on the danger path, with the ransom advice, and at the end of
 * a screening abroad. A nationality not yet known refers to no nationality-bound agency, and a
 * referral that no longer applies once it is known, and that nobody acted on, is withdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, FISHING_BOAT, StaffClient } from './helpers/staff.ts';
import { playScript, type ScriptAnswer } from './helpers/script.ts';
import { startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

const en = () => server.services.definitions.translations.t('en');

/** Country -> what a person in danger there must see, and what must never be shown. */
const DANGER: { country: string; shows: string[]; none: boolean; hides?: string[] }[] = [
  { country: 'TH', shows: ['191', '1155', '1300', '1669'], none: false },
  { country: 'KH', shows: ['117'], none: false },
  { country: 'LA', shows: ['191', '1362'], none: false },
  { country: 'VN', shows: ['113', '115'], none: false },
  { country: 'MY', shows: ['999'], none: false },
  // No official source found: the numbers stay unverified and hidden, and the person is told so.
  { country: 'CN', shows: [], none: true, hides: ['110', '120'] },
  { country: 'MM', shows: [], none: true, hides: ['199', '02-233-2237'] },
  { country: 'OTHER', shows: [], none: true },
];

describe('emergency numbers on the danger path', () => {
  it('covers every country the flows offer', () => {
    const offered = server.services.definitions.flows.dictionary.current_country!.values ?? [];
    expect(DANGER.map((d) => d.country).sort()).toEqual([...offered].sort());
  });

  it.each(DANGER)('in danger in $country', async ({ country, shows, none, hides }) => {
    const user = `danger-${country}`;
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'yes' });
    const res = await server.sim({ user, choice: country });
    const said = texts(res.body.replies);
    for (const number of shows) expect(said).toContain(number);
    for (const number of hides ?? []) expect(said).not.toContain(number);
    if (none) expect(said).toContain(en()('emergency.none'));
    else expect(said).not.toContain(en()('emergency.none'));
    // Every number shown is a verified one with a source in the directory.
    const verified = new Set(server.services.definitions.directory.agencies.flatMap((a) => a.phones.filter((p) => p.verified && p.source).map((p) => p.number)));
    // Ticket references (TR-7KXM-49QA) hold digits too: they are not phone numbers.
    const withoutRefs = said.replace(/TR-[A-Z0-9]{4}-[A-Z0-9]{4}/g, '');
    for (const [number] of withoutRefs.matchAll(/(?<![\d+])(\+?\d[\d -]{1,18}\d)(?!\d)/g)) {
      if (/^\d{1,2}$/.test(number)) continue;
      expect([...verified].some((v) => v.includes(number) || number.includes(v)), `${number} is verified`).toBe(true);
    }
  });
});

describe('the numbers elsewhere', () => {
  it('follow the ransom advice', async () => {
    const { replies } = await playScript(server, 'ransom-vn', 'hello', {
      in_danger_now: { choice: 'no' },
      menu: { choice: 'missing' },
      current_country: { choice: 'VN' },
      ransom_demanded: { choice: 'yes' },
      consent_share: { choice: 'no' },
    } as Record<string, ScriptAnswer>);
    const all = replies.map((r) => r.text);
    const advice = all.findIndex((t) => t.includes(en()('family.ransom_advice')));
    expect(advice).toBeGreaterThanOrEqual(0);
    expect(all.slice(advice, advice + 3).join('\n')).toContain('113');
  });

  it('close a screening abroad', async () => {
    const { replies } = await playScript(server, 'abroad-vn', 'hello', { ...FISHING_BOAT, current_country: { choice: 'VN' }, nationality: { choice: 'VN' } });
    const ticketAt = replies.findIndex((r) => r.ticket);
    expect(ticketAt).toBeGreaterThanOrEqual(0);
    expect(texts(replies.slice(ticketAt))).toContain('115');
  });
});

describe('referrals and an unknown nationality', () => {
  /** In danger in Cambodia: the ticket is made before the nationality is asked. */
  async function inDanger(user: string): Promise<string> {
    await server.sim({ user, text: 'hello' });
    await server.sim({ user, choice: 'yes' });
    const res = await server.sim({ user, choice: 'KH' });
    return res.body.replies.find((r) => r.ticket)!.ticket!.ref;
  }
  /** Answers until the nationality question, then gives it. */
  async function sayNationality(user: string, nationality: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const transcript = await server.services.store.transcriptOf(`sim:${user}`);
      const asked = [...transcript].reverse().find((m) => m.direction === 'out' && (m.body as { expects?: { key: string } }).expects)?.body as { expects: { key: string }; choices?: { id: string }[] };
      if (asked.expects.key === 'nationality') {
        await server.sim({ user, choice: nationality });
        return;
      }
      await server.sim({ user, ...(asked.choices?.some((c) => c.id === 'skip') ? { choice: 'skip' } : { choice: asked.choices?.[0]?.id ?? 'no' }) });
    }
    throw new Error('the nationality was never asked');
  }

  it('refers no nationality-bound agency on an unknown, and withdraws what no longer applies', async () => {
    const ref = await inDanger('unknown-then-thai');
    const before = (await server.services.store.getTicket(ref))!;
    expect(before.referrals.map((r) => r.agency)).not.toContain('th-mfa-consular');
    expect(before.referrals.map((r) => r.agency)).toContain('iom-th');

    await sayNationality('unknown-then-thai', 'TH');
    const after = (await server.services.store.getTicket(ref))!;
    const status = Object.fromEntries(after.referrals.map((r) => [r.agency, r.status]));
    expect(status['th-mfa-consular']).toBe('pending');
    expect(status['iom-th']).toBe('withdrawn');
    expect((await server.services.store.auditOf(ref)).find((a) => a.action === 'referral.withdrawn')).toMatchObject({ actor: 'bot', detail: { agency: 'iom-th', because: 'nationality_known' } });
  });

  it('keeps a referral that an agency already answered', async () => {
    const user = 'accepted-then-thai';
    const ref = await inDanger(user);
    await addStaff(server, 'iom-lead', 'supervisor', 'iom-th');
    const iom = new StaffClient(server.url);
    await iom.login('iom-lead');
    await iom.get(`/staff/tickets/${ref}`);
    expect((await iom.post(`/staff/tickets/${ref}/referral`, { decision: 'accepted' })).status).toBe(303);
    await sayNationality(user, 'TH');
    const after = (await server.services.store.getTicket(ref))!;
    expect(after.referrals.find((r) => r.agency === 'iom-th')?.status).toBe('accepted');
  });
});
