/**
 * Loading and checking the definitions in a child process, for a start the cache cannot serve
 * (decision 0049). Reading ~400 YAML and JSON files and checking them grows V8's heap and glibc's
 * by some 20-30 MB that a process keeps for good (a worker thread would leave its part of glibc's
 * heap behind); in a child process that memory goes when the child ends, and the server holds
 * what a start from the cache holds.
 */
import { spawn } from 'node:child_process';
import { getCompileCacheDir } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DefinitionError, type Problem } from './core/errors.ts';

/** What the check is given. */
export interface CheckJob {
  flowsDir: string;
  localesDir: string;
}

/** What the check answers: the cache's payload, the problems found, `unplain` (the caller must load it itself), or why it failed. */
export type CheckAnswer = { payload: Uint8Array } | { problems: Problem[] } | { unplain: true } | { failed: string };

/**
 * The checked definitions as V8 serialised data (what the cache keeps), loaded and checked in a
 * child process of the same Node; undefined when they are not plain data. Throws
 * {@link DefinitionError} with the same problems as loading them here would.
 */
export async function checkDefinitionsApart(flowsDir: string, localesDir: string): Promise<Buffer | undefined> {
  const job: CheckJob = { flowsDir, localesDir };
  const answer = await new Promise<CheckAnswer>((resolve, reject) => {
    const script = fileURLToPath(new URL('./definitions-check-process.ts', import.meta.url));
    // The server's compile cache, when it has one: the check's modules are the server's own.
    const cache = getCompileCacheDir();
    const child = spawn(process.execPath, [script, JSON.stringify(job)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: cache ? { ...process.env, NODE_COMPILE_CACHE: cache } : process.env,
    });
    child.once('message', (m) => resolve(m as CheckAnswer));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the definitions check ended (exit code ${code}) without an answer`)));
  });
  if ('problems' in answer) throw new DefinitionError(answer.problems);
  if ('failed' in answer) throw new Error(`loading the definitions failed: ${answer.failed}`);
  return 'payload' in answer ? Buffer.from(answer.payload.buffer, answer.payload.byteOffset, answer.payload.byteLength) : undefined;
}
