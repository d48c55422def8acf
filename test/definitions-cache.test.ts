/**
 * The checked definitions kept in the data folder between starts (ADR 0025): read back only when
 * no definition file and no code changed, the same definitions either way, and a server that
 * still refuses to start on invalid definitions after a good start cached them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DefinitionError } from '../src/core/errors.ts';
import { definitionsCacheFile, loadDefinitionsCached } from '../src/definitions-cache.ts';
import { type Definitions, definitionsToPlain, loadDefinitions } from '../src/definitions.ts';
import { Directory } from '../src/directory/directory.ts';
import { Translations } from '../src/i18n/locales.ts';
import { StaffLanguages } from '../src/staff/staff-languages.ts';
import { freePort, ROOT, serverArgs } from './helpers/process.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder and a copy of the shipped flows and locales to edit. */
function workspace() {
  const root = mkdtempSync(path.join(tmpdir(), 'tangrod-defs-cache-'));
  dirs.push(root);
  const flows = path.join(root, 'flows');
  const locales = path.join(root, 'locales');
  cpSync('flows', flows, { recursive: true });
  cpSync('locales', locales, { recursive: true });
  const data = path.join(root, 'data');
  return { flows, locales, data, cache: definitionsCacheFile(data) };
}

/** A moment when the files copied by {@link workspace} are old enough to be trusted by their times. */
const LATER = () => Date.now() + 10_000;

/** What a person would be told, in two languages, and where the emergency numbers come from. */
function seen(d: Definitions) {
  return {
    welcome: ['en', 'th'].map((l) => d.translations.t(l)('entry.welcome')),
    emergencyTH: d.directory.emergencyFor('TH').flatMap((e) => e.phones.map((p) => p.number)),
    staff: d.staffLanguages.codes,
  };
}

describe('definitions cache', () => {
  it('gives the same definitions as loading and checking the files', async () => {
    const w = workspace();
    const fresh = loadDefinitions(w.flows, w.locales);
    const first = await loadDefinitionsCached(w.flows, w.locales, w.cache);
    expect(first.outcome).toBe('written');
    // The files were copied a moment ago: too recent to be trusted by their times, so read again.
    const again = await loadDefinitionsCached(w.flows, w.locales, w.cache);
    expect(again.outcome).toBe('verified');
    expect(definitionsToPlain(again.definitions)).toEqual(definitionsToPlain(fresh));
    expect(again.definitions.directory).toBeInstanceOf(Directory);
    expect(again.definitions.translations).toBeInstanceOf(Translations);
    expect(again.definitions.staffLanguages).toBeInstanceOf(StaffLanguages);
    expect(again.definitions.flows.flows).toBeInstanceOf(Map);
    expect(seen(again.definitions)).toEqual(seen(fresh));
  });

  // [what changes, how] -> the cache is not used and the change is what is served
  const changes: [string, (w: ReturnType<typeof workspace>) => void, (d: Definitions) => void][] = [
    [
      'a translation edited',
      (w) => {
        const file = path.join(w.locales, 'en', 'bot.json');
        const json = JSON.parse(readFileSync(file, 'utf8'));
        json.entry.welcome = 'Edited welcome.';
        writeFileSync(file, JSON.stringify(json));
      },
      (d) => expect(d.translations.t('en')('entry.welcome')).toBe('Edited welcome.'),
    ],
    [
      'a flow edited (a comment only)',
      (w) => writeFileSync(path.join(w.flows, 'entry.flow.yaml'), `${readFileSync(path.join(w.flows, 'entry.flow.yaml'), 'utf8')}\n# edited\n`),
      (d) => expect(d.flows.flows.size).toBeGreaterThan(0),
    ],
    [
      'a file added to the flows folder',
      (w) => writeFileSync(path.join(w.flows, 'notes.txt'), 'not a definition'),
      (d) => expect(d.flows.flows.size).toBeGreaterThan(0),
    ],
  ];
  it.each(changes)('checks everything again after %s', async (_what, change, check) => {
    const w = workspace();
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache)).outcome).toBe('written');
    change(w);
    const after = await loadDefinitionsCached(w.flows, w.locales, w.cache);
    expect(after.outcome).toBe('written');
    check(after.definitions);
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache)).outcome).toBe('verified');
    // Seconds later, by the files' times alone.
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('verified');
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('hit');
  });

  it('trusts the files\' times only while they are unchanged: touched files are read once, an edit with its time set back is not missed', async () => {
    const w = workspace();
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('written');
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('hit');
    // Touched, same bytes (a checkout, a copy): read once, then trusted by the new times.
    const file = path.join(w.locales, 'en', 'bot.json');
    utimesSync(file, new Date(), new Date());
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('verified');
    expect((await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER())).outcome).toBe('hit');
    // An edit of the same length, its modification time set back to the nanosecond (touch can):
    // the change time still moved.
    const { mtimeNs } = statSync(file, { bigint: true });
    await new Promise((r) => setTimeout(r, 50));
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('"welcome": "', '"welcome": "!').replace(/"welcome": "!(.)/, '"welcome": "!');
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    execFileSync('touch', ['-m', '-d', `@${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, '0')}`, file]);
    expect(statSync(file, { bigint: true }).mtimeNs).toBe(mtimeNs);
    const after = await loadDefinitionsCached(w.flows, w.locales, w.cache, LATER());
    expect(after.outcome).toBe('written');
    expect(after.definitions.translations.t('en')('entry.welcome')).toMatch(/^!/);
  });

  it('is not shared by folders with the same files: the definitions name their own files', async () => {
    const w = workspace();
    await loadDefinitionsCached(w.flows, w.locales, w.cache);
    const moved = `${w.flows}-moved`;
    cpSync(w.flows, moved, { recursive: true });
    const after = await loadDefinitionsCached(moved, w.locales, w.cache);
    expect(after.outcome).toBe('written');
    for (const flow of after.definitions.flows.flows.values()) expect(flow.file.startsWith(moved)).toBe(true);
    expect(after.definitions.policy.file.startsWith(moved)).toBe(true);
  });

  it('refuses invalid definitions after valid ones were cached, and never caches them', async () => {
    const w = workspace();
    await loadDefinitionsCached(w.flows, w.locales, w.cache);
    const cached = readFileSync(w.cache);
    unlinkSync(path.join(w.locales, 'th', 'bot.json'));
    // Checked in a worker (decision 0049): the same problems as checking them here, as a DefinitionError.
    const here = (() => {
      try {
        loadDefinitions(w.flows, w.locales);
      } catch (err) {
        return err;
      }
    })();
    const apart = await loadDefinitionsCached(w.flows, w.locales, w.cache).catch((err: unknown) => err);
    expect(apart).toBeInstanceOf(DefinitionError);
    expect((apart as DefinitionError).problems).toEqual((here as DefinitionError).problems);
    expect((apart as DefinitionError).problems.length).toBeGreaterThan(0);
    expect((apart as Error).message).toContain('bot.json');
    expect(readFileSync(w.cache).equals(cached)).toBe(true);
  });

  it('loads everything again when the cache file is damaged', async () => {
    const w = workspace();
    await loadDefinitionsCached(w.flows, w.locales, w.cache);
    const bytes = readFileSync(w.cache);
    writeFileSync(w.cache, bytes.subarray(0, 40 + Math.floor(bytes.length / 2)));
    const after = await loadDefinitionsCached(w.flows, w.locales, w.cache);
    expect(after.outcome).toBe('written');
    expect(seen(after.definitions)).toEqual(seen(loadDefinitions(w.flows, w.locales)));
  });

  it('a start from the cache builds no Chinese converter until a person writes Chinese, and then reads it', async () => {
    const w = workspace();
    const written = await loadDefinitionsCached(w.flows, w.locales, w.cache);
    // Every Chinese word the matchers fold is folded already (only the zh locale is written in Han).
    expect(Object.keys(written.definitions.hanFolds).length).toBeGreaterThan(50);
    // A fresh process, as a restart is: the services built and the yes/no words of every language read.
    const src = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'src', file)).href);
    const probe = path.join(w.data, 'probe.ts');
    writeFileSync(
      probe,
      `import { loadDefinitionsCached } from ${src('definitions-cache.ts')};
import { createServices } from ${src('services.ts')};
import { loadConfig } from ${src('config/env.ts')};
import { hanConverterBuilt, TranslationLexicon } from ${src('i18n/lexicon.ts')};
const { definitions, outcome } = await loadDefinitionsCached(${JSON.stringify(w.flows)}, ${JSON.stringify(w.locales)}, ${JSON.stringify(w.cache)});
const services = createServices(loadConfig(), undefined, definitions);
const lexicon = new TranslationLexicon(definitions.translations);
const yes = lexicon.match('yes', ['yes', 'no'], 'value.yesno', 'en');
const builtAtStart = hanConverterBuilt();
// 不對 is traditional for 不对 ("not right"): folded to the zh locale's word for no.
const right = lexicon.match('對的', ['yes', 'no'], 'value.yesno', 'zh');
console.log(JSON.stringify({ outcome, yes, builtAtStart, right, builtAfter: hanConverterBuilt() }));
await services.store.close();
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [probe], { env: { ...process.env, DATA_DIR: w.data, NODE_ENV: 'development', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (b: Buffer) => (text += b.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`probe exited with ${code}`))));
    });
    expect(JSON.parse(out)).toEqual({ outcome: 'verified', yes: 'yes', builtAtStart: false, right: 'yes', builtAfter: true });
  }, 60_000);

  it('a server started once with good definitions will not start on broken ones', async () => {
    const w = workspace();
    const run = async (): Promise<{ code: number | null; out: string }> => {
      const port = await freePort();
      const child = spawn(process.execPath, serverArgs(), {
        env: { ...process.env, DATA_DIR: w.data, FLOWS_DIR: w.flows, LOCALES_DIR: w.locales, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', SIMULATOR: 'on' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      for (let i = 0; i < 600 && child.exitCode === null; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/sim/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"u","text":"hello"}' }).catch(() => undefined);
        if (res?.ok) {
          child.kill('SIGTERM');
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return { code: await exited, out };
    };
    expect((await run()).code).toBe(0);
    expect(readFileSync(w.cache).length).toBeGreaterThan(32);
    const file = path.join(w.flows, 'entry.flow.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/next: \w+/, 'next: no_such_node'));
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('The definitions have problems');
    expect(broken.out).toContain('no_such_node');
  }, 60_000);
});
