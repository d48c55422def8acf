/**
 * `npm start`: turns on Node's module compile cache, then starts the server (`server.ts`).
 *
 * The cache keeps the type-stripped and compiled form of every module (ours and the
 * dependencies') on disk, keyed by each file's content, so a start after the first skips most of
 * the stripping and compiling (about half of start-up on a 2-core machine). A changed file simply
 * misses the cache; nothing stale can run. It goes where `NODE_COMPILE_CACHE` says, by default
 * `node-compile-cache` in the system temporary folder; `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 * The cache must be on before the server's modules load, hence this module of its own whose only
 * import is Node's.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./server.ts');
