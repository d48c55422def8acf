/**
 * The process that loads and checks the definitions when the cache cannot serve them (a first
 * start, or the first after a deploy that changed a file): see {@link checkDefinitionsApart}.
 *
 * It answers once over the IPC channel and ends: the checked definitions as V8 serialised data
 * (the cache's payload), or the problems found, or `unplain` when the result is not plain data and
 * so must be loaded by the server itself.
 */
import { serialize } from 'node:v8';
import { DefinitionError } from './core/errors.ts';
import { definitionsToPlain, loadDefinitions } from './definitions.ts';
import type { CheckAnswer, CheckJob } from './definitions-apart.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as CheckJob;
let answer: CheckAnswer;
try {
  const definitions = loadDefinitions(job.flowsDir, job.localesDir);
  try {
    answer = { payload: serialize(definitionsToPlain(definitions)) };
  } catch {
    answer = { unplain: true };
  }
} catch (err) {
  answer = err instanceof DefinitionError ? { problems: err.problems } : { failed: err instanceof Error ? err.message : String(err) };
}
// Disconnected once sent, so that the process ends; a server already gone has disconnected it.
process.send?.(answer, () => process.connected && process.disconnect());
