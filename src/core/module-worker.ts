/**
 * Worker threads whose module is TypeScript, started so that they read it from Node's compile
 * cache. The main thread enables the cache (src/main.mjs), but a worker does not share it: each
 * worker stripped its TypeScript again, and loading the stripper cost a worker 16 MB (a worker of
 * one tiny .ts file: 34 MB of RSS; with the cache, 18, as a JavaScript one).
 */
import { getCompileCacheDir } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running `script`, with the main thread's compile cache when it has one: a few lines
 * of JavaScript enable the cache in the worker and then import the module. Without a cache (tests,
 * the CLI), the module is started as it is.
 */
export function moduleWorker(script: URL, options: WorkerOptions = {}): Worker {
  const cache = getCompileCacheDir();
  if (!cache) return new Worker(script, options);
  const boot = `require('node:module').enableCompileCache(${JSON.stringify(cache)}); import(${JSON.stringify(script.href)});`;
  return new Worker(boot, { ...options, eval: true });
}
