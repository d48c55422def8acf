/**
 * Whole conversations through the simulator, in every language: answers -> case type, priority,
 * agencies and the emergency numbers shown. One or more scenarios per line of the policy.
 * Choice ids are the dictionary's values, the same in every language; the first message's script
 * picks the language, and the replies must be in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playScript, type ScriptAnswer } from './helpers/script.ts';
import { startServer, type TestServer, texts } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** A first message in each language, and a pattern its replies must match. */
const LANGS: Record<string, { hello: string; script: RegExp }> = {
  en: { hello: 'hello', script: /[A-Za-z]/ },
  th: { hello: 'สวัสดีค่ะ', script: /\p{Script=Thai}/u },
  km: { hello: 'ជំរាបសួរ', script: /\p{Script=Khmer}/u },
  my: { hello: 'မင်္ဂလာပါ', script: /\p{Script=Myanmar}/u },
  lo: { hello: 'ສະບາຍດີ', script: /\p{Script=Lao}/u },
  vi: { hello: 'Xin chào', script: /[ăâêôơưđ]/iu },
  zh: { hello: '你好', script: /\p{Script=Han}/u },
};
const LANG_IDS = Object.keys(LANGS);

type Answers = Record<string, string>;

interface Scenario {
  name: string;
  answers: Answers;
  /** Expected ticket; `null` when no ticket must exist. */
  ticket: { caseType: string; priority: string; agencies: string[] } | null;
  /** Texts (numbers) the conversation must show. */
  shows?: string[];
  /** Texts it must never show (unverified numbers). */
  hides?: string[];
}

const victim = (a: Answers): Answers => ({ in_danger_now: 'no', menu: 'help_me', consent_share: 'yes', contact_ok: 'yes', confirm_send: 'send', ...a });
const family = (a: Answers): Answers => victim({ menu: 'missing', missing_name: 'Somchai', missing_age: '30', ...a });
const witness = (a: Answers): Answers => victim({ menu: 'witness', witness_account: 'Men locked in a boat', ...a });

const POLICE_CARE = ['th-police-atp', 'th-msdhs-1300'];
const THAI_ABROAD = ['th-mfa-consular', 'th-police-atp'];

const scenarios: Scenario[] = [
  // --- Thai nationals abroad (thai_abroad, thai_in_cambodia_cross_border)
  { name: 'Thai forced to scam in Cambodia, cross-border consent', answers: victim({ current_country: 'KH', nationality: 'TH', age_group: 'adult', forced_criminality: 'yes', documents_taken: 'yes', consent_cross_border: 'yes' }), ticket: { caseType: 'forced_criminality', priority: 'P2', agencies: [...THAI_ABROAD, 'kh-ncct'] } },
  { name: 'Thai forced to scam in Cambodia, no cross-border consent', answers: victim({ current_country: 'KH', nationality: 'TH', forced_criminality: 'yes', consent_cross_border: 'no' }), ticket: { caseType: 'forced_criminality', priority: 'P2', agencies: THAI_ABROAD } },
  { name: 'Thai in a Myanmar compound, not free to leave', answers: victim({ current_country: 'MM', nationality: 'TH', free_to_leave: 'no', deceived_about_job: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: THAI_ABROAD } },
  { name: 'Thai in Laos, sexual exploitation', answers: victim({ current_country: 'LA', nationality: 'TH', sexual_exploitation: 'yes' }), ticket: { caseType: 'sexual_exploitation', priority: 'P2', agencies: THAI_ABROAD } },
  { name: 'Thai in Malaysia, wages withheld only', answers: victim({ current_country: 'MY', nationality: 'TH', wages_withheld: 'yes' }), ticket: { caseType: 'labour_exploitation', priority: 'P3', agencies: THAI_ABROAD } },
  { name: 'Thai in China, nothing clear yet', answers: victim({ current_country: 'CN', nationality: 'TH' }), ticket: { caseType: 'unclear', priority: 'P3', agencies: THAI_ABROAD } },
  // --- in Thailand (trafficking_in_thailand, labour_exploitation_in_thailand, child_in_thailand, unclear)
  { name: 'Myanmar fisherman in Thailand, documents taken', answers: victim({ current_country: 'TH', nationality: 'MM', documents_taken: 'yes', excessive_hours: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'Cambodian in Thailand, debt bondage', answers: victim({ current_country: 'TH', nationality: 'KH', debt_bondage: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'Lao woman in Thailand, sexual exploitation', answers: victim({ current_country: 'TH', nationality: 'LA', sexual_exploitation: 'yes' }), ticket: { caseType: 'sexual_exploitation', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'Vietnamese in Thailand, forced to scam', answers: victim({ current_country: 'TH', nationality: 'VN', forced_criminality: 'yes' }), ticket: { caseType: 'forced_criminality', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'Thai worker in Thailand, deceived about the job', answers: victim({ current_country: 'TH', nationality: 'TH', deceived_about_job: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P3', agencies: POLICE_CARE } },
  { name: 'Myanmar factory worker, long hours and no pay', answers: victim({ current_country: 'TH', nationality: 'MM', wages_withheld: 'yes', excessive_hours: 'yes' }), ticket: { caseType: 'labour_exploitation', priority: 'P3', agencies: ['th-doe-1694'] } },
  { name: 'Cambodian domestic worker, long hours only', answers: victim({ current_country: 'TH', nationality: 'KH', excessive_hours: 'yes' }), ticket: { caseType: 'labour_exploitation', priority: 'P3', agencies: ['th-doe-1694'] } },
  { name: 'a child in Thailand with no indicator yet', answers: victim({ current_country: 'TH', age_group: 'child' }), ticket: { caseType: 'unclear', priority: 'P3', agencies: ['th-msdhs-1300'] } },
  { name: 'a child in Thailand, beaten', answers: victim({ current_country: 'TH', age_group: 'child', threats_or_violence: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P1', agencies: POLICE_CARE } },
  { name: 'a child in Thailand, not free to leave', answers: victim({ current_country: 'TH', nationality: 'MM', age_group: 'child', free_to_leave: 'no' }), ticket: { caseType: 'child_at_risk', priority: 'P1', agencies: POLICE_CARE } },
  { name: 'a child in Thailand, sexual exploitation', answers: victim({ current_country: 'TH', age_group: 'child', sexual_exploitation: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P1', agencies: POLICE_CARE } },
  { name: 'a child forced to scam: child_at_risk comes first', answers: victim({ current_country: 'TH', age_group: 'child', forced_criminality: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'a child with wages withheld only', answers: victim({ current_country: 'TH', age_group: 'child', wages_withheld: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P3', agencies: POLICE_CARE } },
  { name: 'unclear in Thailand', answers: victim({ current_country: 'TH', nationality: 'TH', deceived_about_job: 'unsure' }), ticket: { caseType: 'unclear', priority: 'P3', agencies: ['th-msdhs-1300'] } },
  // --- going home across the border (cambodian_going_home, myanmar_going_home)
  { name: 'Cambodian in Thailand who wants to go home, consents', answers: victim({ current_country: 'TH', nationality: 'KH', documents_taken: 'yes', needs: 'go_home,shelter', consent_cross_border: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: [...POLICE_CARE, 'kh-ncct'] } },
  { name: 'Cambodian who wants to go home, no cross-border consent', answers: victim({ current_country: 'TH', nationality: 'KH', documents_taken: 'yes', needs: 'go_home', consent_cross_border: 'no' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'Myanmar worker who wants to go home, consents', answers: victim({ current_country: 'TH', nationality: 'MM', wages_withheld: 'yes', needs: 'go_home', consent_cross_border: 'yes' }), ticket: { caseType: 'labour_exploitation', priority: 'P3', agencies: ['th-doe-1694', 'mm-embassy-bkk'] } },
  // --- non-Thai abroad (foreigner_abroad, foreigner_in_cambodia_cross_border)
  { name: 'Vietnamese in a Cambodian compound, consents across borders', answers: victim({ current_country: 'KH', nationality: 'VN', forced_criminality: 'yes', consent_cross_border: 'yes' }), ticket: { caseType: 'forced_criminality', priority: 'P2', agencies: ['iom-th', 'kh-ncct'] } },
  { name: 'Chinese national in Myanmar', answers: victim({ current_country: 'MM', nationality: 'CN', threats_or_violence: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: ['iom-th'] } },
  { name: 'Lao national in Laos, no cross-border consent', answers: victim({ current_country: 'LA', nationality: 'LA', isolation: 'yes', consent_cross_border: 'no' }), ticket: { caseType: 'labour_trafficking', priority: 'P3', agencies: ['iom-th'] } },
  // --- fallback
  { name: 'country and nationality skipped: the 24-hour centre', answers: victim({ documents_taken: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: ['th-msdhs-1300'] } },
  // --- families (missing_person, missing_abroad, ransom)
  { name: 'family: missing in Thailand', answers: family({ current_country: 'TH', nationality: 'MM' }), ticket: { caseType: 'missing_person', priority: 'P3', agencies: ['th-msdhs-1300'] } },
  { name: 'family: missing in Cambodia, Thai', answers: family({ current_country: 'KH', nationality: 'TH', consent_cross_border: 'no' }), ticket: { caseType: 'missing_person', priority: 'P3', agencies: THAI_ABROAD } },
  // Issue 10 item 12: no Thai consular referral on the strength of an unknown nationality.
  { name: 'family: missing abroad, nationality not given', answers: family({ current_country: 'MM' }), ticket: { caseType: 'missing_person', priority: 'P3', agencies: ['th-police-atp'] } },
  { name: 'family: ransom demanded from a Myanmar compound', answers: family({ current_country: 'MM', nationality: 'TH', ransom_demanded: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P1', agencies: THAI_ABROAD } },
  { name: 'family: a missing 16-year-old in Thailand', answers: family({ missing_age: '16', current_country: 'TH', nationality: 'TH', threats_or_violence: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P1', agencies: POLICE_CARE } },
  { name: 'family: missing, not free to leave, Cambodia, consents', answers: family({ current_country: 'KH', nationality: 'TH', free_to_leave: 'no', consent_cross_border: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: [...THAI_ABROAD, 'kh-ncct'] } },
  // --- witnesses
  { name: 'witness: men locked on a boat in Thailand', answers: witness({ current_country: 'TH', nationality: 'MM', free_to_leave: 'no', threats_or_violence: 'yes' }), ticket: { caseType: 'labour_trafficking', priority: 'P2', agencies: POLICE_CARE } },
  { name: 'witness: children in a karaoke bar', answers: witness({ current_country: 'TH', age_group: 'child', sexual_exploitation: 'yes' }), ticket: { caseType: 'child_at_risk', priority: 'P1', agencies: POLICE_CARE } },
  // --- danger: numbers first, ticket at once. The ticket is made before the nationality is asked:
  // what was referred on an unknown nationality and no longer applies is withdrawn (issue 10 item 12).
  { name: 'in danger in Thailand', answers: victim({ in_danger_now: 'yes', current_country: 'TH', nationality: 'MM' }), ticket: { caseType: 'unclear', priority: 'P1', agencies: ['th-msdhs-1300'] }, shows: ['191', '1155', '1300'] },
  { name: 'in danger in Cambodia, a Thai', answers: victim({ in_danger_now: 'yes', current_country: 'KH', nationality: 'TH', forced_criminality: 'yes', consent_cross_border: 'yes' }), ticket: { caseType: 'forced_criminality', priority: 'P1', agencies: [...THAI_ABROAD, 'kh-ncct'] }, shows: ['117', '+66 2 572 8442'], hides: ['99 130 1300'] },
  { name: 'in danger in Laos', answers: victim({ in_danger_now: 'yes', current_country: 'LA', nationality: 'LA' }), ticket: { caseType: 'unclear', priority: 'P1', agencies: ['iom-th'] }, shows: ['191', '1362'] },
  { name: 'in danger in Myanmar: no verified local number, never an invented one', answers: victim({ in_danger_now: 'yes', current_country: 'MM', nationality: 'TH' }), ticket: { caseType: 'unclear', priority: 'P1', agencies: THAI_ABROAD }, shows: ['+66 2 572 8442'], hides: ['1191', '02-233-2237'] },
  { name: 'in danger, then says no to sharing: the alert stays', answers: victim({ in_danger_now: 'yes', current_country: 'TH', consent_share: 'no' }), ticket: { caseType: 'unclear', priority: 'P1', agencies: ['th-msdhs-1300'] }, shows: ['1694'] },
  // --- no consent, no ticket
  { name: 'says no to sharing: no ticket, numbers instead', answers: victim({ current_country: 'TH', documents_taken: 'yes', consent_share: 'no' }), ticket: null, shows: ['1300', '1694'] },
  { name: 'cancels at the summary: no ticket', answers: victim({ current_country: 'KH', nationality: 'TH', confirm_send: 'cancel' }), ticket: null },
  { name: 'emergency numbers from the menu, no ticket', answers: { in_danger_now: 'no', menu: 'numbers', current_country: 'KH' }, ticket: null, shows: ['117'] },
];

// Free-text keys are typed; a multi-select (needs) is typed too, as "go_home, shelter": the bot
// shows back what it understood and waits for "done" (see runUntilDone).
const toAnswer = (key: string, value: string): ScriptAnswer =>
  ['location', 'missing_name', 'missing_age', 'relationship', 'last_contact', 'witness_account', 'free_message', 'needs'].includes(key) ? { text: value } : { choice: value };

describe(`scenarios (${scenarios.length}), rotating through ${LANG_IDS.length} languages`, () => {
  it('covers at least 40 scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(40));

  it.each(scenarios.map((s, i) => ({ ...s, lang: LANG_IDS[i % LANG_IDS.length]! })))('$lang: $name', async (s) => {
    const user = `scenario-${s.lang}-${s.name}`;
    // A menu choice loops back to the menu: the script stops there.
    const answers = Object.fromEntries(Object.entries(s.answers).map(([k, v]) => [k, toAnswer(k, v)]));
    const { replies } = await runUntilDone(user, LANGS[s.lang]!.hello, answers);

    // The conversation is in the language of the first message.
    expect(replies.slice(0, 2).map((r) => r.text).join(' ')).toMatch(LANGS[s.lang]!.script);
    for (const shown of s.shows ?? []) expect(texts(replies)).toContain(shown);
    for (const hidden of s.hides ?? []) expect(texts(replies)).not.toContain(hidden);

    const tickets = (await server.services.store.listTickets({})).filter((t) => t.userId === user);
    if (s.ticket === null) {
      expect(tickets).toEqual([]);
      return;
    }
    expect(tickets).toHaveLength(1);
    const t = tickets[0]!;
    const live = t.referrals.filter((r) => r.status !== 'withdrawn');
    expect({ caseType: t.caseType, priority: t.priority, agencies: live.map((r) => r.agency).sort() }).toEqual({ ...s.ticket, agencies: [...s.ticket.agencies].sort() });
    expect(t.language).toBe(s.lang);
    // The reference was given in the conversation.
    expect(replies.some((r) => r.ticket?.ref === t.ref)).toBe(true);
  });
});

/** Plays the script; a menu that comes back a second time ends it (the numbers-only path). */
async function runUntilDone(user: string, hello: string, answers: Record<string, ScriptAnswer>) {
  let menus = 0;
  let needs = 0;
  const guarded = new Proxy(answers, {
    get(target, key: string) {
      if (key === 'menu' && ++menus > 1) return { text: '/exit' };
      // Typed needs are shown back with the question kept open: "done" settles them.
      if (key === 'needs' && ++needs > 1) return { choice: 'done' };
      return target[key];
    },
  });
  return playScript(server, user, hello, guarded);
}
