/**
 * The brief's baseline policy, checked against the shipped flows/policy.yaml and flows/agencies.yaml.
 * Each row is one rule of the brief: answers in, then the priority, the case type, the agencies
 * (an exact set; order does not matter) and, where it matters, the indicators found.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile } from '../src/core/yaml-file.ts';
import { loadDirectory } from '../src/directory/directory.ts';
import { loadDictionary } from '../src/flow/load.ts';
import type { Answers } from '../src/flow/types.ts';
import { assess, buildPolicy, loadPolicy } from '../src/policy/policy.ts';

const FLOWS = 'flows';
const dictionary = loadDictionary(FLOWS);
const directory = loadDirectory(FLOWS);
const agencyIds = new Set(directory.byId.keys());
const policy = loadPolicy(FLOWS, dictionary, agencyIds);

// Agency ids, as in reference/agencies.md.
const ATP = 'th-police-atp';
const MSDHS = 'th-msdhs-1300';
const MFA = 'th-mfa-consular';
const DOE = 'th-doe-1694';
const NCCT = 'kh-ncct';
const MM_EMB = 'mm-embassy-bkk';
const IOM = 'iom-th';

interface Case {
  rule: string;
  answers: Answers;
  priority: string;
  caseType: string;
  agencies: string[];
  /** Checked exactly (as a set) when given. */
  indicators?: string[];
}

// An adult Thai in Thailand telling their own story: the background of the priority and case rows.
const thaiInThailand: Answers = { role: 'self', current_country: 'TH', nationality: 'TH', age_group: 'adult' };
const th = (more: Answers): Answers => ({ ...thaiInThailand, ...more });

// ---- Priority: P1 in danger, ransom, a child facing violence/confinement/sexual exploitation;
// P2 any strong indicator or not free to leave; P3 otherwise.
const priorityCases: Case[] = [
  { rule: 'P1: in danger now', answers: th({ in_danger_now: 'yes' }), priority: 'P1', caseType: 'unclear', agencies: [MSDHS], indicators: [] },
  {
    rule: 'P1: ransom demanded (a family report of a Thai in Cambodia)',
    answers: { role: 'family', current_country: 'KH', nationality: 'TH', ransom_demanded: 'yes' },
    priority: 'P1',
    caseType: 'labour_trafficking',
    agencies: [MFA, ATP],
    indicators: ['ransom_demanded'],
  },
  {
    rule: 'P1: a child with threats or violence',
    answers: th({ age_group: 'child', threats_or_violence: 'yes' }),
    priority: 'P1',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
    indicators: ['threats_or_violence'],
  },
  {
    rule: 'P1: a child not free to leave',
    answers: th({ age_group: 'child', free_to_leave: 'no' }),
    priority: 'P1',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
    indicators: ['not_free_to_leave'],
  },
  {
    rule: 'P1: a child in sexual exploitation',
    answers: th({ age_group: 'child', sexual_exploitation: 'yes' }),
    priority: 'P1',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
    indicators: ['sexual_exploitation'],
  },
  {
    rule: 'P2 (not P1): a child whose documents were taken',
    answers: th({ age_group: 'child', documents_taken: 'yes' }),
    priority: 'P2',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
    indicators: ['documents_taken'],
  },
  {
    rule: 'P3 (not P1): a child with only unpaid wages',
    answers: th({ age_group: 'child', wages_withheld: 'yes' }),
    priority: 'P3',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
    indicators: ['wages_withheld'],
  },
  {
    rule: 'P2 (not P1): an adult with threats or violence',
    answers: th({ threats_or_violence: 'yes' }),
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
    indicators: ['threats_or_violence'],
  },
  {
    rule: 'P2: documents taken',
    answers: th({ documents_taken: 'yes' }),
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
    indicators: ['documents_taken'],
  },
  { rule: 'P2: debt bondage', answers: th({ debt_bondage: 'yes' }), priority: 'P2', caseType: 'labour_trafficking', agencies: [ATP, MSDHS], indicators: ['debt_bondage'] },
  {
    rule: 'P2: forced criminality',
    answers: th({ forced_criminality: 'yes' }),
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [ATP, MSDHS],
    indicators: ['forced_criminality'],
  },
  {
    rule: 'P2: sexual exploitation',
    answers: th({ sexual_exploitation: 'yes' }),
    priority: 'P2',
    caseType: 'sexual_exploitation',
    agencies: [ATP, MSDHS],
    indicators: ['sexual_exploitation'],
  },
  {
    rule: 'P2: not free to leave',
    answers: th({ free_to_leave: 'no' }),
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
    indicators: ['not_free_to_leave'],
  },
  {
    rule: 'P3: deception alone is not a strong indicator',
    answers: th({ deceived_about_job: 'yes' }),
    priority: 'P3',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
    indicators: ['deceived_about_job'],
  },
  {
    rule: 'P3: isolation alone is not a strong indicator',
    answers: th({ isolation: 'yes' }),
    priority: 'P3',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
    indicators: ['isolation'],
  },
  {
    rule: 'P3: "unsure" and "no" are not indicators',
    answers: th({ in_danger_now: 'unsure', documents_taken: 'unsure', free_to_leave: 'unsure', threats_or_violence: 'no', ransom_demanded: 'unsure' }),
    priority: 'P3',
    caseType: 'unclear',
    agencies: [MSDHS],
    indicators: [],
  },
  { rule: 'P3: nothing answered at all', answers: {}, priority: 'P3', caseType: 'unclear', agencies: [MSDHS], indicators: [] },
];

// ---- Case type, in precedence order: child_at_risk > forced_criminality > sexual_exploitation >
// labour_trafficking > labour_exploitation > missing_person > unclear.
const caseTypeCases: Case[] = [
  {
    rule: 'child_at_risk beats forced_criminality and sexual_exploitation',
    answers: th({ age_group: 'child', forced_criminality: 'yes', sexual_exploitation: 'yes', wages_withheld: 'yes' }),
    priority: 'P1',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'forced_criminality beats sexual_exploitation, labour_trafficking and labour_exploitation',
    answers: th({ forced_criminality: 'yes', sexual_exploitation: 'yes', documents_taken: 'yes', wages_withheld: 'yes' }),
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'sexual_exploitation beats labour_trafficking and labour_exploitation',
    answers: th({ sexual_exploitation: 'yes', debt_bondage: 'yes', excessive_hours: 'yes' }),
    priority: 'P2',
    caseType: 'sexual_exploitation',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'labour_trafficking beats labour_exploitation',
    answers: th({ deceived_about_job: 'yes', wages_withheld: 'yes', excessive_hours: 'yes' }),
    priority: 'P3',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'labour_exploitation: only wages and hours',
    answers: th({ wages_withheld: 'yes', excessive_hours: 'yes' }),
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE],
    indicators: ['wages_withheld', 'excessive_hours'],
  },
  {
    rule: 'labour_exploitation beats missing_person (a family report with an indicator)',
    answers: th({ role: 'family', wages_withheld: 'yes' }),
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE],
  },
  {
    rule: 'missing_person: a family report without indicators',
    answers: th({ role: 'family' }),
    priority: 'P3',
    caseType: 'missing_person',
    agencies: [MSDHS],
    indicators: [],
  },
  {
    rule: 'unclear: no indicator and not a family report',
    answers: th({ role: 'witness' }),
    priority: 'P3',
    caseType: 'unclear',
    agencies: [MSDHS],
    indicators: [],
  },
  {
    rule: 'a child without any indicator is not child_at_risk',
    answers: th({ age_group: 'child' }),
    priority: 'P3',
    caseType: 'unclear',
    agencies: [MSDHS],
    indicators: [],
  },
  {
    rule: 'an unknown age is not a child',
    answers: th({ age_group: 'unknown', free_to_leave: 'no' }),
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
  },
];

// ---- Routing: every rule that holds adds its agencies; none holding gives the fallback.
const routingCases: Case[] = [
  {
    rule: 'Thai abroad: consular affairs and the anti-trafficking police (not IOM)',
    answers: { role: 'self', nationality: 'TH', current_country: 'MM', documents_taken: 'yes' },
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [MFA, ATP],
  },
  {
    rule: 'Thai in Cambodia with cross-border consent: also kh-ncct',
    answers: { role: 'self', nationality: 'TH', current_country: 'KH', forced_criminality: 'yes', consent_cross_border: 'yes' },
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [MFA, ATP, NCCT],
  },
  {
    rule: 'Thai in Cambodia without cross-border consent: no kh-ncct',
    answers: { role: 'self', nationality: 'TH', current_country: 'KH', forced_criminality: 'yes', consent_cross_border: 'no' },
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [MFA, ATP],
  },
  {
    rule: 'Thai in Myanmar with cross-border consent: no kh-ncct (Cambodia only)',
    answers: { role: 'self', nationality: 'TH', current_country: 'MM', forced_criminality: 'yes', consent_cross_border: 'yes' },
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [MFA, ATP],
  },
  {
    rule: 'trafficking in Thailand, whatever the nationality',
    answers: { role: 'self', nationality: 'LA', current_country: 'TH', sexual_exploitation: 'yes' },
    priority: 'P2',
    caseType: 'sexual_exploitation',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'labour_exploitation in Thailand: th-doe-1694',
    answers: { role: 'self', nationality: 'MM', current_country: 'TH', excessive_hours: 'yes' },
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE],
  },
  {
    rule: 'a child in Thailand: th-msdhs-1300 always (with labour exploitation)',
    answers: { role: 'witness', age_group: 'child', current_country: 'TH', wages_withheld: 'yes' },
    priority: 'P3',
    caseType: 'child_at_risk',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'a child in Thailand: th-msdhs-1300 always (without indicators)',
    answers: { role: 'witness', age_group: 'child', current_country: 'TH', nationality: 'KH' },
    priority: 'P3',
    caseType: 'unclear',
    agencies: [MSDHS],
  },
  {
    rule: 'a Cambodian in Thailand going home with cross-border consent: also kh-ncct',
    answers: { role: 'self', nationality: 'KH', current_country: 'TH', wages_withheld: 'yes', needs: ['medical', 'go_home'], consent_cross_border: 'yes' },
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE, NCCT],
  },
  {
    rule: 'a Cambodian in Thailand going home without cross-border consent: no kh-ncct',
    answers: { role: 'self', nationality: 'KH', current_country: 'TH', wages_withheld: 'yes', needs: ['go_home'], consent_cross_border: 'no' },
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE],
  },
  {
    rule: 'a Cambodian in Thailand with consent but not going home: no kh-ncct',
    answers: { role: 'self', nationality: 'KH', current_country: 'TH', wages_withheld: 'yes', needs: ['medical', 'legal'], consent_cross_border: 'yes' },
    priority: 'P3',
    caseType: 'labour_exploitation',
    agencies: [DOE],
  },
  {
    rule: 'a Myanmar national in Thailand going home with cross-border consent: also mm-embassy-bkk',
    answers: { role: 'self', nationality: 'MM', current_country: 'TH', documents_taken: 'yes', needs: ['go_home'], consent_cross_border: 'yes' },
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS, MM_EMB],
  },
  {
    rule: 'a Lao national in Thailand going home: no counterpart in the directory yet',
    answers: { role: 'self', nationality: 'LA', current_country: 'TH', documents_taken: 'yes', needs: ['go_home'], consent_cross_border: 'yes' },
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [ATP, MSDHS],
  },
  {
    rule: 'unclear in Thailand: th-msdhs-1300',
    answers: { role: 'self', nationality: 'VN', current_country: 'TH' },
    priority: 'P3',
    caseType: 'unclear',
    agencies: [MSDHS],
  },
  {
    rule: 'missing_person in Thailand: th-msdhs-1300',
    answers: { role: 'family', nationality: 'MM', current_country: 'TH', missing_name: 'Ko Aung' },
    priority: 'P3',
    caseType: 'missing_person',
    agencies: [MSDHS],
  },
  {
    rule: 'missing abroad, a Thai: as a Thai abroad',
    answers: { role: 'family', nationality: 'TH', current_country: 'LA' },
    priority: 'P3',
    caseType: 'missing_person',
    agencies: [MFA, ATP],
  },
  {
    // Issue 10 item 12: consular help is for Thai citizens; an unknown nationality does not make one.
    rule: 'missing abroad, nationality unknown: the police, not Thai consular help',
    answers: { role: 'family', current_country: 'KH', last_contact: 'two weeks ago' },
    priority: 'P3',
    caseType: 'missing_person',
    agencies: [ATP],
  },
  {
    rule: 'missing abroad, known to be of another nationality: IOM',
    answers: { role: 'family', nationality: 'MM', current_country: 'MM' },
    priority: 'P3',
    caseType: 'missing_person',
    agencies: [IOM],
  },
  {
    rule: 'a non-Thai outside Thailand: iom-th',
    answers: { role: 'self', nationality: 'MM', current_country: 'MM', deceived_about_job: 'yes' },
    priority: 'P3',
    caseType: 'labour_trafficking',
    agencies: [IOM],
  },
  {
    rule: 'a person of another nationality (OTHER) in another country (OTHER): iom-th',
    answers: { role: 'self', nationality: 'OTHER', current_country: 'OTHER', threats_or_violence: 'yes' },
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [IOM],
  },
  {
    rule: 'a non-Thai in Cambodia with cross-border consent: iom-th and kh-ncct',
    answers: { role: 'self', nationality: 'VN', current_country: 'KH', forced_criminality: 'yes', consent_cross_border: 'yes' },
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [IOM, NCCT],
  },
  {
    rule: 'a non-Thai in Cambodia without cross-border consent: iom-th only',
    answers: { role: 'self', nationality: 'VN', current_country: 'KH', forced_criminality: 'yes', consent_cross_border: 'no' },
    priority: 'P2',
    caseType: 'forced_criminality',
    agencies: [IOM],
  },
  {
    rule: 'fallback: the country is unknown',
    answers: { role: 'self', nationality: 'TH', documents_taken: 'yes' },
    priority: 'P2',
    caseType: 'labour_trafficking',
    agencies: [MSDHS],
  },
  {
    rule: 'in danger abroad, a Thai: P1 and routed as a Thai abroad',
    answers: { role: 'self', in_danger_now: 'yes', nationality: 'TH', current_country: 'KH' },
    priority: 'P1',
    caseType: 'unclear',
    agencies: [MFA, ATP],
  },
];

function check(c: Case): void {
  const a = assess(policy, c.answers);
  expect({ priority: a.priority, caseType: a.caseType }).toEqual({ priority: c.priority, caseType: c.caseType });
  expect([...a.agencies].sort()).toEqual([...c.agencies].sort());
  expect(new Set(a.agencies).size).toBe(a.agencies.length); // no agency twice
  if (c.indicators) expect([...a.indicators].sort()).toEqual([...c.indicators].sort());
}

describe('baseline policy: priority', () => {
  it.each(priorityCases)('$rule', check);
});

describe('baseline policy: case type', () => {
  it.each(caseTypeCases)('$rule', check);
});

describe('baseline policy: routing', () => {
  it.each(routingCases)('$rule', check);

  it('names the fallback when no routing rule holds', () => {
    const a = assess(policy, { role: 'self', documents_taken: 'yes' });
    expect(a.routes).toEqual(['fallback']);
    expect(a.agencies).toEqual([MSDHS]);
  });

  it('names the routing rules that matched', () => {
    const a = assess(policy, { nationality: 'TH', current_country: 'KH', consent_cross_border: 'yes' });
    expect(a.routes).toEqual(['thai_abroad', 'thai_in_cambodia_cross_border']);
  });

  it('every agency the policy routes to is in the directory', () => {
    for (const id of [...policy.routing.flatMap((r) => r.agencies), ...policy.fallbackAgencies]) expect(directory.byId.has(id)).toBe(true);
  });
});

describe('forced criminality is a sign of victimhood', () => {
  const answers: Answers[] = [
    { role: 'self', nationality: 'TH', current_country: 'KH', forced_criminality: 'yes' },
    { role: 'self', nationality: 'MM', current_country: 'TH', forced_criminality: 'yes', documents_taken: 'yes' },
    { role: 'witness', nationality: 'VN', current_country: 'MM', forced_criminality: 'yes', in_danger_now: 'yes' },
  ];
  it.each(answers)('case type forced_criminality, never a suspect (%o)', (a) => {
    const result = assess(policy, a);
    expect(result.caseType).toBe('forced_criminality');
    expect(result.indicators).toContain('forced_criminality');
    expect(JSON.stringify(result)).not.toMatch(/suspect|offender|perpetrator|accused|culprit/i);
  });

  it('no case type, indicator, priority reason or route in the policy labels a person a suspect', () => {
    const names = [
      ...policy.caseTypes.map((c) => c.id),
      ...policy.indicators.map((i) => i.id),
      ...policy.priorityRules.map((r) => r.because),
      ...policy.routing.map((r) => r.name),
    ];
    expect(names.join(' ')).not.toMatch(/suspect|offender|perpetrator|accused|culprit/i);
  });
});

// ---- buildPolicy: problems name the exact path. Each row changes one thing in a copy of the real file.
const POLICY_FILE = path.join(FLOWS, 'policy.yaml');
type PolicyData = {
  indicators: Record<string, unknown>;
  priority_rules: { priority: string; because: string; when: unknown }[];
  case_types: { id: string; when?: unknown }[];
  routing: { name: string; when: unknown; agencies: string[] }[];
  fallback_agencies: string[];
} & Record<string, unknown>;
const realPolicy = readYamlFile(POLICY_FILE) as PolicyData;

interface PolicyProblemCase {
  problem: string;
  change: (p: PolicyData) => void;
  path: string;
  message: string;
}

const policyProblems: PolicyProblemCase[] = [
  {
    problem: 'an unknown agency in routing',
    change: (p) => {
      p.routing[2]!.agencies[1] = 'th-nowhere';
    },
    path: 'routing[2] (trafficking_in_thailand).agencies[1]',
    message: 'unknown agency "th-nowhere"',
  },
  {
    problem: 'an unknown fallback agency',
    change: (p) => {
      p.fallback_agencies = ['th-msdhs-1300', 'th-hotline-x'];
    },
    path: 'fallback_agencies[1]',
    message: 'unknown agency "th-hotline-x"',
  },
  {
    problem: 'an unknown key in a priority rule',
    change: (p) => {
      p.priority_rules[0]!.when = { in_danger: 'yes' };
    },
    path: 'priority_rules[0].when',
    message: 'unknown key "in_danger"',
  },
  {
    problem: 'an unknown key in a routing rule',
    change: (p) => {
      p.routing[0]!.when = { nationality: 'TH', country_now: { not: 'TH' } };
    },
    path: 'routing[0] (thai_abroad).when',
    message: 'unknown key "country_now"',
  },
  {
    problem: 'an unknown key in an indicator',
    change: (p) => {
      p.indicators.documents_taken = { passport_taken: 'yes' };
    },
    path: 'indicators.documents_taken',
    message: 'unknown key "passport_taken"',
  },
  {
    problem: 'an unknown indicator in a priority rule',
    change: (p) => {
      p.priority_rules[3]!.when = { indicator: ['documents_taken', 'passport_held'] };
    },
    path: 'priority_rules[3].when',
    message: 'unknown indicator "passport_held"',
  },
  {
    problem: 'an unknown indicator in a case type',
    change: (p) => {
      p.case_types[4]!.when = { indicator: ['wages_withheld', 'long_hours'] };
    },
    path: 'case_types[4].when',
    message: 'unknown indicator "long_hours"',
  },
  {
    problem: 'an indicator defined by another indicator',
    change: (p) => {
      p.indicators.coerced = { indicator: ['threats_or_violence'] };
    },
    path: 'indicators.coerced',
    message: 'an indicator cannot be defined by other indicators',
  },
  {
    problem: 'the default (last) case type with a when',
    change: (p) => {
      p.case_types[p.case_types.length - 1]!.when = { role: 'self' };
    },
    path: 'case_types[6]',
    message: 'the last case type is the default',
  },
  {
    problem: 'a case type other than the last without a when',
    change: (p) => {
      delete p.case_types[1]!.when;
    },
    path: 'case_types[1]',
    message: 'only the last case type may have no "when"',
  },
  {
    problem: 'an unknown case type in routing',
    change: (p) => {
      p.routing[3]!.when = { current_country: 'TH', case_type: 'labour_abuse' };
    },
    path: 'routing[3] (labour_exploitation_in_thailand).when',
    message: 'unknown case type "labour_abuse"',
  },
  {
    problem: 'case_type in a priority rule (it is not known yet)',
    change: (p) => {
      p.priority_rules[0]!.when = { case_type: 'child_at_risk' };
    },
    path: 'priority_rules[0].when',
    message: 'case_type is known only when routing',
  },
  {
    problem: 'a priority that is not in priorities',
    change: (p) => {
      p.priority_rules[0]!.priority = 'P0';
    },
    path: 'priority_rules[0].priority',
    message: '"P0" is not one of priorities',
  },
  {
    problem: 'a malformed condition names its inner path',
    change: (p) => {
      p.routing[0]!.when = { nationality: 'TH', current_country: { not: [] } };
    },
    path: 'routing[0] (thai_abroad).when.current_country.not',
    message: 'expected a value or a non-empty list',
  },
  {
    problem: 'an unknown field (zod tier)',
    change: (p) => {
      p.escalation = [];
    },
    path: 'policy',
    message: 'escalation',
  },
];

function problemsOf(change: (p: PolicyData) => void) {
  const data = structuredClone(realPolicy);
  change(data);
  return buildPolicy(POLICY_FILE, data, dictionary, agencyIds);
}

describe('buildPolicy problems', () => {
  it('the unchanged file builds', () => {
    const { policy: built, problems } = buildPolicy(POLICY_FILE, structuredClone(realPolicy), dictionary, agencyIds);
    expect(problems).toEqual([]);
    expect(built).toBeDefined();
  });

  it.each(policyProblems)('$problem: $path', ({ change, path: where, message }) => {
    const { policy: built, problems } = problemsOf(change);
    expect(built).toBeUndefined();
    expect(problems).toContainEqual({ file: POLICY_FILE, path: where, message: expect.stringContaining(message) });
  });

  // BUG (src/rules/condition.ts conditionRefs): `{ indicator: any }` is not reported as a reference
  // to indicators, so an indicator defined by "any indicator" passes the check (and is always false).
  it('an indicator defined as { indicator: any } is rejected', () => {
    const { problems } = problemsOf((p) => {
      p.indicators.anything = { indicator: 'any' };
    });
    expect(problems).toContainEqual({ file: POLICY_FILE, path: 'indicators.anything', message: expect.stringContaining('cannot be defined by other indicators') });
  });
});
