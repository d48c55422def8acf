/**
 * Typed answers read by meaning (issue 9): the table of test/data/typed-answers.ts, first on the
 * pure reader (interpret + the locale lexicon), then every row through the simulator's HTTP API, as
 * a person would type it, reading the stored answer from the session; then the read-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpret } from '../src/flow/interpret.ts';
import { loadFlows } from '../src/flow/load.ts';
import type { SessionState } from '../src/flow/types.ts';
import { TranslationLexicon } from '../src/i18n/lexicon.ts';
import { readLocales, Translations } from '../src/i18n/locales.ts';
import { AGAIN, HELLO, type Row, TYPED } from './data/typed-answers.ts';
import { question, startServer, type TestServer, texts } from './helpers/server.ts';

const flows = loadFlows('flows');
const translations = new Translations(readLocales('locales'));
const lexicon = new TranslationLexicon(translations);
const rows = Object.entries(TYPED).flatMap(([lang, list]) => list.map(([key, typed, stored]) => ({ lang, key, typed, stored })));

describe('the table', () => {
  it.each(Object.keys(HELLO))('%s has at least 15 rows', (lang) => expect(TYPED[lang]!.length).toBeGreaterThanOrEqual(15));
});

describe('typed answers read whole, per language (the pure reader)', () => {
  it.each(rows)('$lang $key: "$typed" -> $stored', ({ lang, key, typed, stored }) => {
    const def = flows.dictionary[key]!;
    const r = interpret(key, def, Boolean(def.consent), { type: 'text', text: typed }, lexicon, lang);
    if (stored === AGAIN) expect(r).toEqual({ kind: 'miss', reason: 'not_an_answer' });
    else if (Array.isArray(stored)) expect(r.kind === 'pick' && [...r.ids].sort()).toEqual([...stored].sort());
    else expect(r.kind === 'answer' && r.value).toBe(stored);
  });
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** Taps that lead to any question: no danger, "I need help", consent; everything else skipped. */
const ROUTE: Record<string, string> = { in_danger_now: 'no', menu: 'help_me', consent_share: 'yes', consent_cross_border: 'yes' };

async function session(user: string): Promise<SessionState> {
  const rec = await server.services.store.transaction((tx) => tx.getSession(`sim:${user}`));
  return rec!.state as SessionState;
}

/** Starts a conversation in `lang` and taps through until the bot asks `key`. */
async function reach(user: string, lang: string, key: string) {
  let res = await server.sim({ user, text: HELLO[lang] });
  for (let turn = 0; turn < 40; turn++) {
    const q = question(res.body.replies);
    if (!q?.expects) throw new Error(`the conversation ended before ${key} was asked`);
    if (q.expects.key === key) return;
    res = await server.sim({ user, choice: ROUTE[q.expects.key] ?? 'skip' });
  }
  throw new Error(`${key} was not asked within 40 turns`);
}

describe('typed answers through the simulator: what is stored, and what the person sees', () => {
  it.each(rows.map((r, i) => ({ ...r, i })))('$lang $key: "$typed" -> $stored', async ({ lang, key, typed, stored, i }) => {
    const user = `typed-${lang}-${i}`;
    await reach(user, lang, key);
    const t = translations.t(lang);
    const res = await server.sim({ user, text: typed });
    expect(res.status).toBe(200);
    const q = question(res.body.replies);
    const state = await session(user);

    if (stored === AGAIN) {
      // Asked again, kindly, with nothing stored.
      expect(texts(res.body.replies)).toContain(t('miss.not_an_answer'));
      expect(q?.expects?.key).toBe(key);
      expect(state.answers[key]).toBeUndefined();
      return;
    }
    if (Array.isArray(stored)) {
      // Shown back with the question open; "done" keeps exactly what was shown.
      expect(q?.expects?.key).toBe(key);
      expect([...(state.picking ?? [])].sort()).toEqual([...stored].sort());
      for (const id of stored) expect(texts(res.body.replies)).toContain(t(`value.needs.${id}`));
      await server.sim({ user, choice: 'done' });
      expect([...((await session(user)).answers[key] as string[])].sort()).toEqual([...stored].sort());
      return;
    }
    expect(state.answers[key]).toBe(stored);
    const def = flows.dictionary[key]!;
    if (def.confirm || def.consent) {
      // Read back with the key's values as buttons, unless on the way to the emergency numbers.
      if (key === 'in_danger_now' && stored === 'yes') expect(state.confirmLater?.map((c) => c.key)).toEqual(['in_danger_now']);
      else {
        expect(q?.expects?.key).toBe(key);
        expect(q?.choices?.map((c) => c.id).filter((id) => id !== 'skip')).toEqual(def.type === 'yesno' ? ['yes', 'no', 'unsure'] : def.values);
        const label = t(`${def.labels ?? (def.type === 'yesno' ? 'value.yesno' : `value.${key}`)}.${stored}`);
        expect(q?.text).toContain(label);
      }
    }
    expect(state.typed).toContain(key);
  });
});
