import { readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import { DefinitionError } from './errors.ts';
import { requiredLazily } from './lazily.ts';

/**
 * The YAML library, loaded on the first file read: a start that takes the checked definitions from
 * the cache (src/definitions-cache.ts) reads no YAML and never loads it (start-up, issue 12).
 */
const yamlLibrary = requiredLazily<typeof Yaml>('yaml');

/** Reads a YAML file (YAML 1.2, so `yes` and `no` stay strings); a syntax error names the line. */
export function readYamlFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  const { parse, YAMLParseError } = yamlLibrary();
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0]?.line;
      throw new DefinitionError([{ file, path: line ? `line ${line}` : '', message: err.message.split('\n')[0] ?? 'invalid YAML' }]);
    }
    throw err;
  }
}
