/**
 * The checked definitions kept from one start to the next (docs/decisions/0025): reading and
 * checking every YAML and JSON file took most of start-up, and the result only changes when a file
 * or the code changes.
 *
 * The cache is one file in the data folder: the SHA-256 of everything the result depends on (every
 * file under the flows and locales folders, every file of `src/`, the lock file and the Node
 * version), then the checked result as V8 serialised data. A start whose digest matches reads the
 * result back; any other start loads and checks everything, refuses to start on a problem exactly
 * as before, and writes the cache only after the check passed. So an edited, added or removed
 * definition file, a changed check or an upgraded dependency can never be served from the cache,
 * and invalid definitions are never cached. `npm run check` never uses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { type Definitions, definitionsFromPlain, definitionsToPlain, loadDefinitions } from './definitions.ts';

/** Bumped when the layout of the cache file changes. */
const FORMAT = 'tangrod-definitions-cache/1';
/** Length of the digest that heads the file. */
const DIGEST_BYTES = 32;

/** The project's folder (the parent of `src/`): its code and lock file are part of the digest. */
const PROJECT_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Where a data folder keeps the cache. */
export function definitionsCacheFile(dataDir: string): string {
  return path.join(dataDir, 'cache', 'definitions.bin');
}

/** Every file under `dir` (paths from `dir`, sorted), none when the folder is missing. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  // Absolute, so that every entry's folder starts with it: cutting it off is much cheaper than path.relative.
  const root = path.resolve(dir);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => (e.parentPath === root ? e.name : `${e.parentPath.slice(root.length + 1)}${path.sep}${e.name}`))
    .sort();
}

/** The digest of everything the checked definitions depend on. */
export function definitionsDigest(flowsDir: string, localesDir: string): Buffer {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\0${process.version}\0${process.arch}\0`);
  const lockFile = path.join(PROJECT_DIR, 'package-lock.json');
  const parts: [string, string][] = [
    ['flows', flowsDir],
    ['locales', localesDir],
    ['code', path.join(PROJECT_DIR, 'src')],
  ];
  for (const [name, dir] of parts) {
    for (const file of filesUnder(dir)) {
      const bytes = readFileSync(`${dir}${path.sep}${file}`);
      // Name, length, bytes: no two different sets of files give the same stream.
      hash.update(`${name}\0${file}\0${bytes.length}\0`);
      hash.update(bytes);
    }
  }
  hash.update(existsSync(lockFile) ? readFileSync(lockFile) : 'no lock file');
  return hash.digest();
}

/** The cached definitions when the file's digest is `digest`; undefined when absent, stale or unreadable. */
function readCache(file: string, digest: Buffer): Definitions | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= DIGEST_BYTES || !bytes.subarray(0, DIGEST_BYTES).equals(digest)) return undefined;
  try {
    return definitionsFromPlain(deserialize(bytes.subarray(DIGEST_BYTES)));
  } catch {
    // A damaged file: load and check everything, and write it anew.
    return undefined;
  }
}

/** Writes the cache whole or not at all (a reader sees the old file or the new); failures are ignored. */
function writeCache(file: string, digest: Buffer, definitions: Definitions): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const payload = serialize(definitionsToPlain(definitions));
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([digest, payload]), { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    // A read-only data folder only costs the next start its speed.
    rmSync(tmp, { force: true });
    return false;
  }
}

/** How {@link loadDefinitionsCached} got its result, for tests and the debug log. */
export type CacheOutcome = 'hit' | 'written' | 'not written';

/**
 * The checked definitions, from the cache file when nothing they depend on changed; otherwise
 * loaded and checked by {@link loadDefinitions} (which throws on any problem) and then cached.
 */
export function loadDefinitionsCached(flowsDir: string, localesDir: string, cacheFile: string): { definitions: Definitions; outcome: CacheOutcome } {
  const digest = definitionsDigest(flowsDir, localesDir);
  const cached = readCache(cacheFile, digest);
  if (cached) return { definitions: cached, outcome: 'hit' };
  const definitions = loadDefinitions(flowsDir, localesDir);
  return { definitions, outcome: writeCache(cacheFile, digest, definitions) ? 'written' : 'not written' };
}
