/**
 * Training scenarios as data (`flows/training/*.scenario.yaml`): a persona (language, country, the
 * answers they give, what they write back when staff message them), the expected handling (priority,
 * case type, referrals, the consent checks that apply, an evidence export when cross-border, the
 * outcomes that fit) and a time limit. Checked in two tiers, like the flows: the shape (zod), then
 * the meaning against the dictionary, the policy and the directory. Every problem names its file
 * and path.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, type Problem, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';
import type { Directory } from '../directory/directory.ts';
import { choiceIds } from '../flow/interpret.ts';
import type { Answers, AnswerValue, Dictionary } from '../flow/types.ts';
import { assess, type Policy } from '../policy/policy.ts';
import { isCrossBorder, OUTCOMES } from '../tickets/ticket-actions.ts';

/** Scenario files in the training folder. */
export const SCENARIO_SUFFIX = '.scenario.yaml';
/** The training folder inside the flows folder. */
export const TRAINING_DIR = 'training';

/**
 * The consent checks a scenario can name. Each follows from the persona's answers, and the check
 * command makes the scenario say exactly those that apply, so that the trainer reads them.
 */
export const CONSENT_CHECKS = {
  /** consent_cross_border = yes: agencies abroad and foreign authorities may receive the case. */
  cross_border_consent: 'the reporter agreed to share across borders',
  /** No cross-border consent: nothing may go to an agency abroad or a foreign authority. */
  no_cross_border: 'nothing may go abroad',
  /** contact_ok = yes: staff may write first. */
  contact_ok: 'staff may write first',
  /** contact_ok is not yes: staff may only answer the reporter's own message, within 24 hours. */
  no_first_contact: 'staff may not write first',
  /** No consent to share: the ticket exists only because of danger to life. */
  vital_interest: 'no consent to share: danger to life only',
} as const;
export type ConsentCheck = keyof typeof CONSENT_CHECKS;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, 'lower-case letters, digits and dashes');
const agency = z.string().regex(/^[a-z][a-z0-9_-]*$/);
const answer = z.union([
  z.string().min(1),
  z.number(),
  z.object({ text: z.string().min(1).max(2000) }).strict(),
  z.object({ location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict() }).strict(),
]);
const texts = z.record(z.string().regex(/^[a-z]{2,3}$/), z.string().trim().min(1));

export const scenarioFileSchema = z
  .object({
    id,
    /** What the trainer reads, per staff language; English at least. */
    title: texts.refine((t) => 'en' in t, 'needs an English title (en) at least'),
    /** The point of the scenario, for the trainer (optional). */
    brief: texts.optional(),
    persona: z
      .object({
        language: z.string().regex(/^[a-z]{2,3}$/),
        /** Where the person at risk is now (current_country). */
        country: z.string().regex(/^([A-Z]{2}|OTHER)$/, 'an ISO 3166-1 alpha-2 code or OTHER'),
        /** The first message; by default a greeting in the persona's language. */
        first_message: z.string().min(1).max(500).optional(),
        /** Answers by dictionary key: a choice id (ids comma-separated for a multi-select), {text} or {location}. */
        answers: z.record(z.string(), answer),
        /** A message the person writes to their case right after the screening, unasked. */
        writes_after: z.string().min(1).max(2000).optional(),
        /** What they write back to staff messages, one per message, in order; then they fall silent. */
        replies: z.array(z.string().min(1).max(2000)).min(1),
      })
      .strict(),
    expected: z
      .object({
        priority: z.string(),
        case_type: z.string(),
        /** The agencies the case is referred to once handled well (pending, accepted or done). */
        referrals: z.array(agency).min(1),
        consent_checks: z.array(z.enum(Object.keys(CONSENT_CHECKS) as [ConsentCheck, ...ConsentCheck[]])).min(1),
        /** The agency abroad that must receive the evidence package (cross-border, with consent). */
        evidence_export: agency.optional(),
        /** The outcomes that fit when the case is closed. */
        outcomes: z.array(z.enum(OUTCOMES)).min(1),
      })
      .strict(),
    /** Minutes from the report to a closed case. */
    time_limit_minutes: z.number().int().min(1).max(7 * 24 * 60),
  })
  .strict();

/** A persona's scripted answer. */
export type PersonaAnswer = z.infer<typeof answer>;

/** A checked scenario. */
export interface Scenario {
  id: string;
  file: string;
  title: Record<string, string>;
  brief: Record<string, string>;
  persona: {
    language: string;
    country: string;
    firstMessage?: string;
    /** By key, `current_country` and `lang` included. */
    answers: Record<string, PersonaAnswer>;
    writesAfter?: string;
    replies: string[];
  };
  expected: {
    priority: string;
    caseType: string;
    referrals: string[];
    consentChecks: ConsentCheck[];
    evidenceExport?: string;
    outcomes: string[];
  };
  timeLimitMinutes: number;
}

/** Words that treat a possible victim as an offender, and the negations that undo them ("not a suspect"). */
export interface SuspectWords {
  words: Record<string, string[]>;
  negations: Record<string, string[]>;
}

/** Everything the training workspace reads from `flows/training/`. */
export interface TrainingSet {
  scenarios: Scenario[];
  suspectWords: SuspectWords;
}

const checksSchema = z
  .object({
    suspect_words: z.record(z.string(), z.array(z.string().trim().min(2)).min(1)),
    negations: z.record(z.string(), z.array(z.string().trim().min(1))),
  })
  .strict();

/** Who reports, from the menu's answer (the entry flow's as_self, as_family, as_witness set it). */
const MENU_ROLE: Record<string, string> = { help_me: 'self', missing: 'family', witness: 'witness' };

/** The answers as the conversation stores them (multi-selects as lists), for the policy. */
export function storedAnswers(scripted: Record<string, PersonaAnswer>, dictionary: Dictionary): Answers {
  const out: Answers = {};
  const role = typeof scripted.menu === 'string' ? MENU_ROLE[scripted.menu] : undefined;
  if (role && scripted.role === undefined) out.role = role;
  for (const [key, a] of Object.entries(scripted)) {
    const def = dictionary[key];
    let value: AnswerValue;
    if (typeof a === 'object') value = 'text' in a ? a.text : a.location;
    else if (def?.type === 'multi') value = String(a).split(',').map((v) => v.trim());
    else value = def?.type === 'number' ? Number(a) : String(a);
    out[key] = value;
    // A quick question stands for the keys it implies (the conversation records those too).
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') for (const [k, implied] of Object.entries(def?.implies?.[v] ?? {})) out[k] ??= implied;
    }
  }
  return out;
}

/** The consent checks that follow from a persona's answers. */
export function consentChecksOf(answers: Answers): ConsentCheck[] {
  return [
    answers.consent_cross_border === 'yes' ? 'cross_border_consent' : 'no_cross_border',
    answers.contact_ok === 'yes' ? 'contact_ok' : 'no_first_contact',
    ...(answers.consent_share === 'yes' ? [] : (['vital_interest'] as const)),
  ];
}

/** What the scenario check needs. */
export interface ScenarioContext {
  dictionary: Dictionary;
  policy: Policy;
  directory: Directory;
  /** Languages of the locales folder (a persona speaks one of them). */
  languages: readonly string[];
  /** Staff languages (titles and briefs are in these). */
  staffLanguages: readonly string[];
}

/** Checks and builds the scenarios of parsed files; returns them only when there are no problems. */
export function buildScenarios(sources: { file: string; data: unknown }[], ctx: ScenarioContext): { scenarios?: Scenario[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const { file, data } of sources) {
    const named = typeof (data as { id?: unknown })?.id === 'string' ? `scenario ${(data as { id: string }).id}` : '';
    const parsed = scenarioFileSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...zodProblems(file, named, parsed.error));
      continue;
    }
    const raw = parsed.data;
    const at = (p: string) => `scenario ${raw.id}, ${p}`;
    const report = (p: string, message: string) => problems.push({ file, path: at(p), message });
    const before = problems.length;

    if (path.basename(file) !== `${raw.id}${SCENARIO_SUFFIX}`) report('id', `the file should be named ${raw.id}${SCENARIO_SUFFIX}`);
    const other = seen.get(raw.id);
    if (other) report('id', `already used in ${other}`);
    seen.set(raw.id, file);
    for (const [field, t] of [['title', raw.title], ['brief', raw.brief ?? {}]] as const) {
      for (const lang of Object.keys(t)) if (!ctx.staffLanguages.includes(lang)) report(`${field}.${lang}`, `"${lang}" is not a staff language (${ctx.staffLanguages.join(', ')})`);
    }

    const p = raw.persona;
    if (!ctx.languages.includes(p.language)) report('persona.language', `"${p.language}" is not a language of the locales (${ctx.languages.join(', ')})`);
    const countries = choiceIds(ctx.dictionary.current_country ?? { type: 'choice' });
    if (!countries.includes(p.country)) report('persona.country', `"${p.country}" is not a value of current_country (${countries.join(', ')})`);
    if (p.answers.current_country !== undefined && p.answers.current_country !== p.country) report('persona.answers.current_country', `differs from persona.country (${p.country}); give the country once`);
    if (p.answers.lang !== undefined && p.answers.lang !== p.language) report('persona.answers.lang', `differs from persona.language (${p.language})`);
    for (const [key, a] of Object.entries(p.answers)) {
      const where = `persona.answers.${key}`;
      const def = ctx.dictionary[key];
      if (!def) {
        report(where, `unknown key "${key}": not in the dictionary or any flow's keys`);
        continue;
      }
      const kind = typeof a === 'object' ? ('text' in a ? 'text' : 'location') : 'value';
      if (kind === 'location' && def.type !== 'location') report(where, `${key} is a ${def.type} question, not a location`);
      if (kind === 'text' && !['text', 'location'].includes(def.type)) report(where, `${key} is a ${def.type} question: give a value, not text`);
      if (kind === 'value') {
        if (['choice', 'yesno', 'multi'].includes(def.type)) {
          const ids = choiceIds(def);
          const values = def.type === 'multi' ? String(a).split(',').map((v) => v.trim()) : [String(a)];
          for (const v of values) if (!ids.includes(v)) report(where, `"${v}" is not a value of ${key} (${ids.join(', ')})`);
        } else if (def.type === 'number') {
          const n = Number(a);
          if (!Number.isFinite(n) || (def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) report(where, `${key} takes a number${def.min !== undefined ? ` from ${def.min}` : ''}${def.max !== undefined ? ` to ${def.max}` : ''}`);
        } else report(where, `${key} is a ${def.type} question: give {text: ...}${def.type === 'location' ? ' or {location: {lat, lon}}' : ''}`);
      }
    }

    const e = raw.expected;
    if (!ctx.policy.priorities.includes(e.priority)) report('expected.priority', `"${e.priority}" is not one of the policy's priorities (${ctx.policy.priorities.join(', ')})`);
    const caseTypes = ctx.policy.caseTypes.map((c) => c.id);
    if (!caseTypes.includes(e.case_type)) report('expected.case_type', `"${e.case_type}" is not a case type of the policy (${caseTypes.join(', ')})`);
    const answers = storedAnswers({ ...p.answers, current_country: p.country, lang: p.language }, ctx.dictionary);
    const crossBorderOk = answers.consent_cross_border === 'yes';
    e.referrals.forEach((a, i) => {
      if (!ctx.directory.byId.has(a)) report(`expected.referrals[${i}]`, `unknown agency "${a}"`);
      else if (!crossBorderOk && isCrossBorder(ctx.directory, a)) report(`expected.referrals[${i}]`, `${a} is abroad or a foreign authority, and the persona did not agree to share across borders`);
    });
    if (new Set(e.referrals).size !== e.referrals.length) report('expected.referrals', 'an agency is listed twice');
    if (e.evidence_export !== undefined) {
      const a = e.evidence_export;
      if (!ctx.directory.byId.has(a)) report('expected.evidence_export', `unknown agency "${a}"`);
      else if (!isCrossBorder(ctx.directory, a)) report('expected.evidence_export', `${a} is in Thailand: name the agency abroad that must receive the package, or leave it out`);
      else if (!crossBorderOk) report('expected.evidence_export', 'the persona did not agree to share across borders: no package may go abroad');
      if (!e.referrals.includes(a)) report('expected.evidence_export', `${a} is not among expected.referrals`);
    }
    const applies = consentChecksOf(answers);
    for (const c of applies) if (!e.consent_checks.includes(c)) report('expected.consent_checks', `missing "${c}": it follows from the persona's answers (${CONSENT_CHECKS[c]})`);
    e.consent_checks.forEach((c, i) => {
      if (!applies.includes(c)) report(`expected.consent_checks[${i}]`, `"${c}" does not follow from the persona's answers`);
    });

    // The meaning: what the policy makes of these answers is what the scenario expects.
    if (problems.length === before) {
      const a = assess(ctx.policy, answers);
      if (a.priority !== e.priority) report('expected.priority', `the policy gives ${a.priority} (${a.priorityBecause}) for the persona's answers, not ${e.priority}`);
      if (a.caseType !== e.case_type) report('expected.case_type', `the policy gives ${a.caseType} for the persona's answers, not ${e.case_type}`);
    }
    if (problems.length === before) {
      scenarios.push({
        id: raw.id,
        file,
        title: raw.title,
        brief: raw.brief ?? {},
        persona: {
          language: p.language,
          country: p.country,
          ...(p.first_message ? { firstMessage: p.first_message } : {}),
          answers: { ...p.answers, current_country: p.country, lang: p.language },
          ...(p.writes_after ? { writesAfter: p.writes_after } : {}),
          replies: p.replies,
        },
        expected: { priority: e.priority, caseType: e.case_type, referrals: e.referrals, consentChecks: e.consent_checks, ...(e.evidence_export ? { evidenceExport: e.evidence_export } : {}), outcomes: e.outcomes },
        timeLimitMinutes: raw.time_limit_minutes,
      });
    }
  }
  return problems.length ? { problems } : { scenarios, problems };
}

/** Reads and checks `flows/training/`: the scenarios and `checks.yaml`. */
export function loadTrainingSet(flowsDir: string, ctx: ScenarioContext): TrainingSet {
  const dir = path.join(flowsDir, TRAINING_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new DefinitionError([{ file: dir, path: '', message: 'missing: the training scenarios live here (see the README, "Training")' }]);
  }
  const problems: Problem[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (err instanceof DefinitionError) problems.push(...err.problems);
      else throw err;
      return undefined;
    }
  };
  const sources = names
    .filter((f) => f.endsWith(SCENARIO_SUFFIX))
    .map((f) => path.join(dir, f))
    .flatMap((file) => {
      const data = attempt(() => readYamlFile(file));
      return data === undefined ? [] : [{ file, data }];
    });
  if (!sources.length && !problems.length) problems.push({ file: dir, path: '', message: `no *${SCENARIO_SUFFIX} file` });
  const { scenarios } = ((r) => (problems.push(...r.problems), r))(buildScenarios(sources, ctx));

  const checksFile = path.join(dir, 'checks.yaml');
  const checksData = existsSync(checksFile) ? attempt(() => readYamlFile(checksFile)) : void problems.push({ file: checksFile, path: '', message: 'missing: the words that treat a victim as a suspect, per staff language' });
  let suspectWords: SuspectWords | undefined;
  if (checksData !== undefined) {
    const parsed = checksSchema.safeParse(checksData);
    if (!parsed.success) problems.push(...zodProblems(checksFile, '', parsed.error));
    else {
      for (const lang of ctx.staffLanguages) if (!parsed.data.suspect_words[lang]) problems.push({ file: checksFile, path: `suspect_words.${lang}`, message: `missing: notes are written in every staff language` });
      suspectWords = { words: parsed.data.suspect_words, negations: parsed.data.negations };
    }
  }
  if (problems.length || !scenarios || !suspectWords) throw new DefinitionError(problems);
  return { scenarios, suspectWords };
}
