/**
 * Matching reports of the same person (issue 15), over real HTTP: a mother reports her missing son
 * in Thai, his name in Thai letters; he reports himself in Khmer and gives his name in Latin letters.
 * Staff see the likely match with its reasons, confirm it (the tickets are linked), reject another
 * with the reason recorded, and, with his consent, tell the mother through her own chat. An agency
 * that has only one of the reports never sees the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KH_FISHER } from './helpers/care.ts';
import { playScript, type ScriptAnswer } from './helpers/script.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';

let server: TestServer;
let staff: StaffClient;
let mother: string;
let son: string;
let father: string;

const FAMILY: Record<string, ScriptAnswer> = {
  in_danger_now: { choice: 'no' },
  menu: { choice: 'missing' },
  missing_name: { text: 'สุข ดารา' },
  missing_age: { text: '24' },
  current_country: { choice: 'TH' },
  nationality: { choice: 'KH' },
  consent_share: { choice: 'yes' },
  consent_cross_border: { choice: 'no' },
  contact_ok: { choice: 'yes' },
  relationship: { text: 'แม่' },
  last_contact: { text: 'สองเดือนก่อน ทางโทรศัพท์' },
  location: { text: 'มหาชัย สมุทรสาคร' },
  confirm_send: { choice: 'send' },
};

async function report(user: string, first: string, answers: Record<string, ScriptAnswer>): Promise<string> {
  const { replies } = await playScript(server, user, first, answers);
  const ref = replies.find((r) => r.ticket)?.ticket?.ref;
  if (!ref) throw new Error(`no ticket for ${user}`);
  return ref;
}

const cardOf = (pageText: string) => pageText.slice(pageText.indexOf('id="match-h"'), pageText.indexOf('id="care-h"'));
const entry = (card: string, ref: string) => card.slice(card.indexOf(`data-match="${ref}"`), card.indexOf('</li>\n', card.indexOf(`data-match="${ref}"`)));

beforeAll(async () => {
  server = await startServer();
  await addStaff(server, 'malee', 'supervisor', 'th-msdhs-1300');
  staff = new StaffClient(server.url);
  await staff.login('malee');
  await staff.get('/staff');
  mother = await report('mother-1', 'สวัสดีค่ะ ลูกชายหายไป', FAMILY);
  son = await report('son-1', 'សួស្តី ខ្ញុំត្រូវការជំនួយ', { ...KH_FISHER, needs: { choice: 'shelter,contact_family' }, own_name: { text: 'Sok Dara' } });
  // Another family's report of a boy with the same name, given in Latin letters.
  father = await report('father-1', 'hello', { ...FAMILY, missing_name: { text: 'Sok Dara' }, missing_age: { text: '15' }, relationship: { text: 'father' }, location: { text: 'Battambang' } });
});
afterAll(async () => {
  await server?.close();
});

describe('matching reports of the same person', () => {
  it('shows the mother\'s Thai report as a likely match of the son\'s Khmer report, with its reasons', async () => {
    const all = await server.token('all');
    expect((await server.api(`/api/tickets/${mother}`, all)).body).toMatchObject({ language: 'th', role: 'family', answers: { missing_name: 'สุข ดารา' } });
    expect((await server.api(`/api/tickets/${son}`, all)).body).toMatchObject({ language: 'km', role: 'self', answers: { own_name: 'Sok Dara' } });

    const card = cardOf((await staff.get(`/staff/tickets/${son}`)).text);
    const m = entry(card, mother);
    expect(m).toContain('likely match');
    expect(m).toContain('+ the name matches');
    expect(m).toContain('+ the nationality');
    expect(m).toContain('+ the same country');
    expect(m).toContain('+ the age');
    expect(m).toContain('score 80 of 100');
    // The mother's words (the name she gave) only when staff show the personal details (issue 14).
    expect(m).not.toContain('สุข ดารา');
    expect(entry(cardOf((await staff.get(`/staff/tickets/${son}?personal=1`)).text), mother)).toContain('สุข ดารา');
    // The father's report is a likely match too (same name, nationality and country), with the age against it.
    const f = entry(card, father);
    expect(f).toContain('+ the name matches');
    expect(f).toContain('− the age');
  });

  it('confirming links the two reports, audited on both', async () => {
    const res = await staff.post(`/staff/tickets/${son}/match`, { other: mother, decision: 'confirmed' });
    expect(res.location).toBe(`/staff/tickets/${son}?done=match`);
    const motherCard = cardOf((await staff.get(`/staff/tickets/${mother}`)).text);
    expect(entry(motherCard, son)).toContain('confirmed: linked');
    expect(entry(motherCard, son)).toContain('The reports are linked.');
    for (const [ref, other] of [[son, mother], [mother, son]]) {
      expect((await server.services.store.auditOf(ref!)).filter((e) => e.action === 'match.confirmed')).toMatchObject([{ actor: expect.stringMatching(/^staff:/), detail: { with: other, reasons: expect.arrayContaining(['name', 'nationality']) } }]);
    }
  });

  it('rejecting needs a reason, and records it', async () => {
    await staff.get(`/staff/tickets/${son}`);
    const refused = await staff.post(`/staff/tickets/${son}/match`, { other: father, decision: 'rejected', reason: ' ' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Say why these reports are not the same person.');
    const why = 'The father reports a boy of 15 from Battambang; this Dara is 24.';
    expect((await staff.post(`/staff/tickets/${son}/match`, { other: father, decision: 'rejected', reason: why })).location).toBe(`/staff/tickets/${son}?done=match`);
    const [stored] = (await server.services.store.matchesOf(father)).filter((m) => m.status === 'rejected');
    expect(stored).toMatchObject({ status: 'rejected', reason: why, decidedBy: expect.stringMatching(/^staff:/) });
    expect(entry(cardOf((await staff.get(`/staff/tickets/${son}`)).text), father)).toContain(`Rejected because: ${why.replace(/'/g, '&#39;')}`);
    // The reason stays in the match, never in the audit trail.
    const rejected = (await server.services.store.auditOf(son)).filter((e) => e.action === 'match.rejected');
    expect(rejected).toMatchObject([{ detail: { with: father } }]);
    expect(JSON.stringify(rejected)).not.toContain('Battambang');
  });

  it('tells the mother, in Thai, only once the son agreed', async () => {
    const noConsent = await staff.post(`/staff/tickets/${son}/match-tell`, { other: mother });
    expect(noConsent.status).toBe(400);
    expect((await fetch(`${server.url}/api/sim/messages?user=mother-1`).then((r) => r.json())).replies).toEqual([]);
    await staff.get(`/staff/tickets/${son}`);
    expect((await staff.post(`/staff/tickets/${son}/match-tell`, { other: mother, consent: 'yes' })).location).toBe(`/staff/tickets/${son}?done=match-tell`);
    const th = server.services.definitions.translations.t('th');
    const told = (await fetch(`${server.url}/api/sim/messages?user=mother-1`).then((r) => r.json())).replies.map((r: { text: string }) => r.text);
    expect(told).toEqual([th('match_update.found', { ref: mother })]);
    // Nothing about the son in it: not his reference, name or place.
    expect(told[0]).not.toMatch(new RegExp(`${son}|Sok|Dara|สุข`));
    expect((await server.services.store.auditOf(mother)).filter((e) => e.action === 'match.family_told')).toHaveLength(1);
  });

  it('an agency with only one of the reports never sees the other', async () => {
    await addStaff(server, 'police', 'supervisor', 'th-police-atp');
    const police = new StaffClient(server.url);
    await police.login('police');
    const page = await police.get(`/staff/tickets/${son}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(mother);
    expect(page.text).not.toContain('id="match-h"');
    expect((await police.get(`/staff/tickets/${mother}`)).status).toBe(404);
  });
});
