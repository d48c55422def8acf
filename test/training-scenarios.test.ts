/**
 * The training scenarios (flows/training/): the shipped set covers the SOP's paths in Thai, English
 * and Khmer personas, each plays through the simulator into the ticket its expected handling
 * describes, and the check names the file and path of every problem, shape first, then meaning.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DefinitionError } from '../src/core/errors.ts';
import { loadDefinitions } from '../src/definitions.ts';
import { playPersona } from '../src/training/persona-player.ts';
import { loadTrainingSet, type Scenario, storedAnswers } from '../src/training/scenario.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const defs = loadDefinitions('flows', 'locales');
const ctx = { dictionary: defs.flows.dictionary, policy: defs.policy, directory: defs.directory, languages: defs.translations.languages, staffLanguages: defs.staffLanguages.codes };
const { scenarios } = loadTrainingSet('flows', ctx);
const answersOf = (s: Scenario) => storedAnswers(s.persona.answers, defs.flows.dictionary);

/** The SOP's paths (issue 17), each as what a scenario's persona says. */
const PATHS: [string, (a: Record<string, unknown>, s: Scenario) => boolean][] = [
  ['a Thai victim in a Cambodian scam compound, with cross-border consent', (a) => a.nationality === 'TH' && a.current_country === 'KH' && a.forced_criminality === 'yes' && a.consent_cross_border === 'yes'],
  ['the same without cross-border consent', (a) => a.nationality === 'TH' && a.current_country === 'KH' && a.forced_criminality === 'yes' && a.consent_cross_border !== 'yes'],
  ['a child', (a) => a.age_group === 'child'],
  ['a family report with a ransom demand', (a) => a.role === 'family' && a.ransom_demanded === 'yes'],
  ['a Cambodian fishing worker in Thailand who wants to go home', (a, s) => a.nationality === 'KH' && a.current_country === 'TH' && (a.needs as string[] | undefined)?.includes('go_home') === true && s.id.includes('fisher')],
  ['a labour case that is not trafficking', (_a, s) => s.expected.caseType === 'labour_exploitation' && s.expected.outcomes.includes('not_trafficking')],
];

describe('the shipped scenarios', () => {
  it('are at least 12, in Thai, English and Khmer personas', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => s.persona.language))).toEqual(new Set(['th', 'en', 'km']));
  });

  it.each(PATHS)('cover %s', (_name, fits) => {
    expect(scenarios.filter((s) => fits(answersOf(s), s)).map((s) => s.id)).not.toEqual([]);
  });
});

describe('each scenario through the simulator', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it.each(scenarios.map((s) => [s.id, s] as const))('%s gives the ticket its expected handling starts from', async (id, s) => {
    const { conversation, store } = server.services;
    const played = await playPersona({ conversation, dictionary: defs.flows.dictionary }, `play-${id}`, s);
    expect(played.ref, `asked: ${played.asked.join(' ')}`).toBeDefined();
    const ticket = (await store.getTicket(played.ref!))!;
    expect({ language: ticket.language, priority: ticket.priority, caseType: ticket.caseType }).toEqual({ language: s.persona.language, priority: s.expected.priority, caseType: s.expected.caseType });
    // Routed as the SOP says: handling it well keeps these referrals (a referral the bot itself withdrew does not count).
    const active = ticket.referrals.filter((r) => r.status !== 'withdrawn').map((r) => r.agency);
    expect(active.sort()).toEqual([...s.expected.referrals].sort());
    for (const key of ['consent_cross_border', 'contact_ok'] as const) expect(ticket.answers[key] ?? 'no').toBe(answersOf(s)[key] ?? 'no');
  });
});

describe('the scenario check', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  /** A copy of flows/ with one scenario changed; the problems the check finds, relative to the copy. */
  const problemsWith = (file: string, change: (doc: any) => void): string[] => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-scenarios-'));
    dirs.push(dir);
    cpSync('flows', dir, { recursive: true });
    const target = path.join(dir, 'training', file);
    const doc = parse(readFileSync(target, 'utf8'));
    change(doc);
    writeFileSync(target, stringify(doc));
    try {
      loadTrainingSet(dir, ctx);
      return [];
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      return err.problems.map((p) => `${path.relative(dir, p.file)}: ${p.path}: ${p.message}`);
    }
  };
  const F = 'th-scam-kh-consent.scenario.yaml';
  const at = `training/${F}: scenario th-scam-kh-consent`;

  it.each([
    ['an unknown field', (d: any) => (d.expected.refferals = []), [`${at}, expected: Unrecognized key: "refferals"`]],
    ['a missing time limit', (d: any) => delete d.time_limit_minutes, [`${at}, time_limit_minutes: Invalid input: expected number, received undefined`]],
    ['an unknown answer key', (d: any) => (d.persona.answers.passport_colour = 'red'), [`${at}, persona.answers.passport_colour: unknown key "passport_colour": not in the dictionary or any flow's keys`]],
    ['a value the key does not have', (d: any) => (d.persona.answers.nationality = 'XX'), [`${at}, persona.answers.nationality: "XX" is not a value of nationality (TH, KH, MM, LA, VN, MY, CN, OTHER)`]],
    ['a priority the policy does not give', (d: any) => (d.expected.priority = 'P1'), [`${at}, expected.priority: the policy gives P2 (a strong indicator) for the persona's answers, not P1`]],
    ['a case type the policy does not give', (d: any) => (d.expected.case_type = 'labour_trafficking'), [`${at}, expected.case_type: the policy gives forced_criminality for the persona's answers, not labour_trafficking`]],
    ['a cross-border referral without consent', (d: any) => ((d.persona.answers.consent_cross_border = 'no'), (d.expected.consent_checks = ['no_cross_border', 'contact_ok'])), [
      `${at}, expected.referrals[2]: kh-ncct is abroad or a foreign authority, and the persona did not agree to share across borders`,
      `${at}, expected.evidence_export: the persona did not agree to share across borders: no package may go abroad`,
    ]],
    ['an evidence export to a Thai agency', (d: any) => (d.expected.evidence_export = 'th-police-atp'), [`${at}, expected.evidence_export: th-police-atp is in Thailand: name the agency abroad that must receive the package, or leave it out`]],
    ['a consent check that does not apply', (d: any) => (d.expected.consent_checks = ['cross_border_consent', 'no_first_contact']), [
      `${at}, expected.consent_checks: missing "contact_ok": it follows from the persona's answers (staff may write first)`,
      `${at}, expected.consent_checks[1]: "no_first_contact" does not follow from the persona's answers`,
    ]],
    ['an unknown agency', (d: any) => (d.expected.referrals = ['th-mfa-consular', 'th-police-atp', 'kh-ncct', 'kh-nowhere']), [`${at}, expected.referrals[3]: unknown agency "kh-nowhere"`]],
    ['a file named after another id', (d: any) => (d.id = 'th-other'), [`training/${F}: scenario th-other, id: the file should be named th-other.scenario.yaml`]],
  ])('names %s by file and path', (_what, change, expected) => {
    expect(problemsWith(F, change)).toEqual(expected);
  });
});
