/**
 * `npm run check`: validates flows, the dictionary, the policy, the agency directory and the locales,
 * and prints every problem with its file and path. Exits 1 when there is any.
 */
import { loadConfig } from './config/env.ts';
import { DefinitionError, formatProblem } from './core/errors.ts';
import { loadDefinitions } from './definitions.ts';
import { loadTrainingSet } from './training/scenario.ts';

const args = process.argv.slice(2);
const config = loadConfig();
const flowsDir = args[0] ?? config.FLOWS_DIR;
const localesDir = args[1] ?? config.LOCALES_DIR;
try {
  const defs = loadDefinitions(flowsDir, localesDir);
  // The training scenarios (flows/training/), checked against the same dictionary, policy and directory.
  const training = loadTrainingSet(flowsDir, {
    dictionary: defs.flows.dictionary,
    policy: defs.policy,
    directory: defs.directory,
    languages: defs.translations.languages,
    staffLanguages: defs.staffLanguages.codes,
  });
  let nodes = 0;
  for (const f of defs.flows.flows.values()) nodes += f.nodes.size;
  console.log(
    `ok: ${defs.flows.flows.size} flows (${nodes} nodes), ${Object.keys(defs.flows.dictionary).length} keys, ` +
      `${defs.policy.routing.length} routing rules, ${defs.directory.agencies.length} agencies, ` +
      `languages ${defs.translations.languages.join(' ')} (staff: ${defs.staffLanguages.codes.join(' ')}), ${training.scenarios.length} training scenarios`,
  );
} catch (err) {
  if (!(err instanceof DefinitionError)) throw err;
  console.error(`check failed: ${err.problems.length} problem(s)`);
  for (const p of err.problems) console.error(formatProblem(p));
  process.exit(1);
}
