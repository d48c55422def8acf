/**
 * The checked definitions kept from one start to the next (docs/decisions/0025): reading and
 * checking every YAML and JSON file took most of start-up, and the result only changes when a file
 * or the code changes.
 *
 * The cache is one file in the data folder: the SHA-256 of everything the result depends on (the
 * flows and locales folders as given and every file under them, every file of `src/`, the lock
 * file and the Node version), the SHA-256 of those files' metadata, then the checked result as V8
 * serialised data. A start whose files have the recorded metadata (the same names, and each the
 * same size, inode, modification and change times) reads the result back without reading the
 * files; so does a start whose metadata differ but whose content digest matches (a fresh clone of
 * the same code), which records the new metadata. Any other start loads and checks everything,
 * refuses to start on a problem exactly as before, and writes the cache only after the check
 * passed. So an edited, added or removed definition file, a changed check or an upgraded
 * dependency can never be served from the cache, and invalid definitions are never cached.
 * `npm run check` never uses it.
 *
 * Metadata are recorded only when no file changed in the last {@link RACY_MS}: a file written
 * twice within one tick of the file system's clock keeps its times, so a recent one is trusted
 * only by its content (git's "racily clean" entries).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize } from 'node:v8';
import { checkDefinitionsApart } from './definitions-apart.ts';
import { type Definitions, definitionsFromPlain, loadDefinitions } from './definitions.ts';

/** Bumped when the layout of the cache file changes. */
const FORMAT = 'tangrod-definitions-cache/2';
/** Length of each digest that heads the file (content, then metadata). */
const DIGEST_BYTES = 32;
/** Written in place of the metadata digest when a file is too recent to be trusted by its times. */
const NO_METADATA = Buffer.alloc(DIGEST_BYTES);
/** How old the newest file must be for its times to stand for its content. */
const RACY_MS = 3_000;

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

/** Every file the checked definitions depend on, with the name it is hashed under, in a fixed order. */
function inputFiles(flowsDir: string, localesDir: string): { name: string; file: string }[] {
  const parts: [string, string][] = [
    ['flows', flowsDir],
    ['locales', localesDir],
    ['code', path.join(PROJECT_DIR, 'src')],
  ];
  const files = parts.flatMap(([name, dir]) => filesUnder(dir).map((file) => ({ name: `${name}\0${file}`, file: `${dir}${path.sep}${file}` })));
  const lockFile = path.join(PROJECT_DIR, 'package-lock.json');
  if (existsSync(lockFile)) files.push({ name: 'lock', file: lockFile });
  return files;
}

/** The start of every digest: the layout, the runtime and the folders as given (the result names its files by them). */
function digestHead(flowsDir: string, localesDir: string) {
  return createHash('sha256').update(`${FORMAT}\0${process.version}\0${process.arch}\0${flowsDir}\0${localesDir}\0`);
}

/** The digest of everything the checked definitions depend on: every file's name, length and bytes. */
export function definitionsDigest(flowsDir: string, localesDir: string): Buffer {
  const hash = digestHead(flowsDir, localesDir);
  for (const { name, file } of inputFiles(flowsDir, localesDir)) {
    const bytes = readFileSync(file);
    // Name, length, bytes: no two different sets of files give the same stream.
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest();
}

/**
 * The digest of the same files' metadata (name, size, device, inode, modification and change
 * times in nanoseconds), or {@link NO_METADATA} when one of them changed within {@link RACY_MS}.
 */
export function metadataDigest(flowsDir: string, localesDir: string, now = Date.now()): Buffer {
  const hash = digestHead(flowsDir, localesDir);
  const recent = BigInt(now - RACY_MS) * 1_000_000n;
  for (const { name, file } of inputFiles(flowsDir, localesDir)) {
    const st = statSync(file, { bigint: true });
    if (st.mtimeNs > recent || st.ctimeNs > recent) return NO_METADATA;
    hash.update(`${name}\0${st.size}\0${st.dev}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}\0`);
  }
  return hash.digest();
}

/** The cache file's two digests and its payload; undefined when absent or too short. */
function readCacheFile(file: string): { content: Buffer; metadata: Buffer; payload: Buffer } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= 2 * DIGEST_BYTES) return undefined;
  return { content: bytes.subarray(0, DIGEST_BYTES), metadata: bytes.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES), payload: bytes.subarray(2 * DIGEST_BYTES) };
}

/** The definitions in a payload; undefined when it cannot be read back (a damaged file). */
function fromPayload(payload: Buffer): Definitions | undefined {
  try {
    return definitionsFromPlain(deserialize(payload));
  } catch {
    return undefined;
  }
}

/** Writes the cache whole or not at all (a reader sees the old file or the new); failures are ignored. */
function writeCache(file: string, content: Buffer, metadata: Buffer, payload: Buffer): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([content, metadata, payload]), { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    // A read-only data folder only costs the next start its speed.
    rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * How {@link loadDefinitionsCached} got its result, for tests and the debug log: `hit` by the
 * files' metadata alone, `verified` by their content (the metadata are then recorded when the
 * files are old enough), or loaded and checked and then `written` (or `not written`).
 */
export type CacheOutcome = 'hit' | 'verified' | 'written' | 'not written';

/**
 * The checked definitions, from the cache file when nothing they depend on changed; otherwise
 * loaded and checked by {@link loadDefinitions} in a child process ({@link checkDefinitionsApart},
 * decision 0049), which throws {@link DefinitionError} on any problem, and then cached.
 */
export async function loadDefinitionsCached(flowsDir: string, localesDir: string, cacheFile: string, now = Date.now()): Promise<{ definitions: Definitions; outcome: CacheOutcome }> {
  // Taken before the content is read: a file changed meanwhile never matches these times again.
  const metadata = metadataDigest(flowsDir, localesDir, now);
  const cached = readCacheFile(cacheFile);
  // The same files with the same times: not one of them needs reading.
  if (cached && !metadata.equals(NO_METADATA) && cached.metadata.equals(metadata)) {
    const definitions = fromPayload(cached.payload);
    if (definitions) return { definitions, outcome: 'hit' };
  }
  const content = definitionsDigest(flowsDir, localesDir);
  if (cached?.content.equals(content)) {
    const definitions = fromPayload(cached.payload);
    if (definitions) {
      // The same bytes under new times (a fresh clone, a touched file): the next start need not read them.
      if (!cached.metadata.equals(metadata)) writeCache(cacheFile, content, metadata, cached.payload);
      return { definitions, outcome: 'verified' };
    }
  }
  const payload = await checkDefinitionsApart(flowsDir, localesDir);
  const definitions = payload && fromPayload(payload);
  // Not plain data (a field added with a class in it): loaded here, served, never cached.
  if (!payload || !definitions) return { definitions: loadDefinitions(flowsDir, localesDir), outcome: 'not written' };
  return { definitions, outcome: writeCache(cacheFile, content, metadata, payload) ? 'written' : 'not written' };
}
