import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import { DefinitionError } from './errors.ts';

/** Reads a YAML file (YAML 1.2, so `yes` and `no` stay strings); a syntax error names the line. */
export function readYamlFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
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
