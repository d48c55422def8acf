/**
 * Loading everything a deployer configures as files: dictionary, flows, policy, directory and
 * locales, cross-checked against each other. Used at start-up and by `npm run check`.
 */
import { DefinitionError, type Problem } from './core/errors.ts';
import { Directory, loadDirectory } from './directory/directory.ts';
import { loadDictionary, loadFlows } from './flow/load.ts';
import type { FlowSet } from './flow/types.ts';
import { checkLocales } from './i18n/check-locales.ts';
import { type LatinWords, loadLatinWords } from './i18n/detect.ts';
import { type Resources, readLocales, Translations } from './i18n/locales.ts';
import { loadPolicy, type Policy } from './policy/policy.ts';
import { DASHBOARD_NS, loadStaffLanguages, StaffLanguages } from './staff/staff-languages.ts';
import { loadServicePolicy, type ServicePolicy } from './care/service-policy.ts';
import { loadRepatriationPlans, type RepatriationPlans } from './repatriation/plan-definitions.ts';
import { flatten } from './i18n/locales.ts';
import { hanFoldsOf } from './i18n/lexicon.ts';

/** The deployer's definitions, checked. */
export interface Definitions {
  flows: FlowSet;
  policy: Policy;
  directory: Directory;
  translations: Translations;
  /** Words of each language as typed in Latin letters (`locales/latin-words.yaml`). */
  latinWords: LatinWords;
  /** The languages of the staff pages and alerts (`locales/staff-languages.yaml`). */
  staffLanguages: StaffLanguages;
  /** Services from needs: the `services` section of policy.yaml (issue 15). */
  services: ServicePolicy;
  /** Return plans (`repatriation.yaml`, issue 15). */
  repatriation: RepatriationPlans;
  /** The locales' Han texts folded to simplified ({@link hanFoldsOf}), so that a start from the cache builds no converter. */
  hanFolds: Record<string, string>;
}

/**
 * Loads and checks all definitions. Collects the problems of every part before throwing, so that
 * one run of the check command lists them all.
 */
export function loadDefinitions(flowsDir: string, localesDir: string): Definitions {
  const problems: Problem[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (err instanceof DefinitionError) problems.push(...err.problems);
      else throw err;
      return undefined;
    }
  };
  const dictionary = attempt(() => loadDictionary(flowsDir));
  const flows = dictionary && attempt(() => loadFlows(flowsDir, dictionary));
  const directory = attempt(() => loadDirectory(flowsDir));
  const policy = dictionary && directory && attempt(() => loadPolicy(flowsDir, dictionary, new Set(directory.byId.keys())));
  const resources = attempt(() => readLocales(localesDir));
  const staffLanguages = resources && attempt(() => loadStaffLanguages(localesDir, Object.keys(resources)));
  if (resources && flows && directory && policy && staffLanguages) problems.push(...checkLocales(localesDir, resources, { flows, directory, policy }, { [DASHBOARD_NS]: staffLanguages.codes }));
  const latinWords = resources && attempt(() => loadLatinWords(localesDir, Object.keys(resources)));
  // Issue 15: services from needs (policy.yaml) and return plans (repatriation.yaml).
  const caseTypes = new Set(policy?.caseTypes.map((c) => c.id) ?? []);
  const services = flows && directory && policy && attempt(() => loadServicePolicy(flowsDir, { dictionary: flows.dictionary, agencyIds: new Set(directory.byId.keys()), caseTypes }));
  const botKeys = resources && Object.fromEntries(Object.entries(resources).map(([lang, ns]) => [lang, flatten(ns.bot ?? {})]));
  const hasText = (key: string) => Object.entries(botKeys ?? {}).filter(([, keys]) => !keys.has(key)).map(([lang]) => lang);
  const repatriation = flows && directory && attempt(() => loadRepatriationPlans(flowsDir, { dictionary: flows.dictionary, directory, hasText }));
  if (problems.length || !flows || !policy || !directory || !resources || !latinWords || !services || !repatriation || !staffLanguages) throw new DefinitionError(problems);
  return { flows, policy, directory, translations: new Translations(resources), latinWords, staffLanguages, services, repatriation, hanFolds: hanFoldsOf(resources) };
}

/**
 * The definitions as plain data (objects, arrays, maps, sets, text and numbers), for the cache in
 * the data folder (src/definitions-cache.ts): the three classes are replaced by what builds them.
 * Throws when anything else than plain data is found, so that a field added later with a class or
 * a function in it is never cached wrongly (the cache is then simply not written).
 */
export function definitionsToPlain(d: Definitions): PlainDefinitions {
  const plain: PlainDefinitions = { ...d, directory: d.directory.agencies, translations: d.translations.resources, staffLanguages: d.staffLanguages.list };
  assertPlain(plain, 'definitions');
  return plain;
}

/** The definitions rebuilt from {@link definitionsToPlain}'s result. */
export function definitionsFromPlain(p: PlainDefinitions): Definitions {
  return { ...p, directory: new Directory(p.directory), translations: new Translations(p.translations), staffLanguages: new StaffLanguages(p.staffLanguages) };
}

/** {@link Definitions} with its class instances replaced by their data. */
export type PlainDefinitions = Omit<Definitions, 'directory' | 'translations' | 'staffLanguages'> & {
  directory: Directory['agencies'];
  translations: Resources;
  staffLanguages: StaffLanguages['list'];
};

function assertPlain(value: unknown, at: string, seen = new Set<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (typeof value === 'function') throw new Error(`${at} is a function`);
  if (seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      assertPlain(k, `${at} key`, seen);
      assertPlain(v, `${at}.${String(k)}`, seen);
    }
  } else if (value instanceof Set) for (const v of value) assertPlain(v, `${at} item`, seen);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) assertPlain(v, `${at}[${i}]`, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) for (const [k, v] of Object.entries(value)) assertPlain(v, `${at}.${k}`, seen);
  else throw new Error(`${at} is a ${value.constructor?.name ?? 'class instance'}, not plain data`);
}
