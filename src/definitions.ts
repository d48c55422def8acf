/**
 * Loading everything a deployer configures as files: dictionary, flows, policy, directory and
 * locales, cross-checked against each other. Used at start-up and by `npm run check`.
 */
import { DefinitionError, type Problem } from './core/errors.ts';
import { type Directory, loadDirectory } from './directory/directory.ts';
import { loadDictionary, loadFlows } from './flow/load.ts';
import type { FlowSet } from './flow/types.ts';
import { checkLocales } from './i18n/check-locales.ts';
import { type LatinWords, loadLatinWords } from './i18n/detect.ts';
import { readLocales, Translations } from './i18n/locales.ts';
import { loadPolicy, type Policy } from './policy/policy.ts';
import { DASHBOARD_NS, loadStaffLanguages, type StaffLanguages } from './staff/staff-languages.ts';

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
  if (problems.length || !flows || !policy || !directory || !resources || !latinWords || !staffLanguages) throw new DefinitionError(problems);
  return { flows, policy, directory, translations: new Translations(resources), latinWords, staffLanguages };
}
