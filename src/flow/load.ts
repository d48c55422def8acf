import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DefinitionError, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';
import { dictionaryFileSchema } from './schema.ts';
import type { Dictionary, FlowSet } from './types.ts';
import { buildFlowSet } from './validate.ts';

/** Flow files are `*.flow.yaml` in the flows folder; the other YAML files there are not flows. */
export const FLOW_SUFFIX = '.flow.yaml';

/** Reads `dictionary.yaml`; throws a {@link DefinitionError} naming each problem. */
export function loadDictionary(dir: string): Dictionary {
  const file = path.join(dir, 'dictionary.yaml');
  const result = dictionaryFileSchema.safeParse(readYamlFile(file));
  if (!result.success) throw new DefinitionError(zodProblems(file, 'dictionary', result.error));
  return result.data.keys;
}

/** Reads, checks and compiles every flow of a folder against its dictionary. */
export function loadFlows(dir: string, dictionary: Dictionary = loadDictionary(dir)): FlowSet {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(FLOW_SUFFIX))
    .sort()
    .map((f) => path.join(dir, f));
  const { set, problems } = buildFlowSet(
    files.map((file) => ({ file, data: readYamlFile(file) })),
    dictionary,
  );
  if (!set) throw new DefinitionError(problems);
  return set;
}
