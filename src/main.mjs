/**
 * `npm start`: turns on Node's module compile cache, then starts the server (`server.ts`).
 *
 * The cache keeps the type-stripped and compiled form of every module (ours and the
 * dependencies') on disk, keyed by each file's content, so a start after the first skips most of
 * the stripping and compiling (about half of start-up on a 2-core machine). A changed file simply
 * misses the cache; nothing stale can run. It goes where `NODE_COMPILE_CACHE` says, by default
 * `node-compile-cache` in the system temporary folder; `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 *
 * This one file is JavaScript, and imports nothing but Node's, because the cache must be on
 * before the first TypeScript file loads: an entry point in TypeScript is stripped before any of
 * its code runs, and that loads Node's type stripper (a WebAssembly module) at every start, for
 * one file. That cost 30-80 ms of each restart and 12-13 MB of resident memory for good
 * (decision 0025, amended).
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./server.ts');
