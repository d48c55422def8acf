/**
 * Guessing the language of a first message, so that a frightened person who writes in Thai, Khmer or
 * Burmese is answered in it without a menu first. The script says most: Thai, Khmer, Myanmar, Lao
 * and Han letters each belong to one of our languages. Latin letters do not mean English: Thai and
 * Vietnamese are often typed in them, so Latin text is read word by word against the lists of
 * `locales/latin-words.yaml` ({@link LatinWords}), and a message that is not clearly one language
 * gets the language menu.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';

const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Khmer}/u, 'km'],
  [/\p{Script=Myanmar}/u, 'my'],
  [/\p{Script=Lao}/u, 'lo'],
  [/\p{Script=Han}/u, 'zh'],
];

/**
 * Of the Latin-script languages we speak, only Vietnamese writes accents: đ, or any letter with a
 * diacritic ("chào", "không") means Vietnamese rather than English.
 */
const VIETNAMESE = /đ|\p{Script=Latin}[\u0300-\u036f]/iu;

const LATIN = /\p{Script=Latin}/u;

/** The file, beside the locale folders, that holds the word lists. */
export const LATIN_WORDS_FILE = 'latin-words.yaml';

/** What a message's script and words say about its language. */
export type Detected =
  /** Written in this language, as its script (or Vietnamese marks) shows, or as its words suggest. */
  | { lang: string; by: 'script' | 'words' }
  /** Latin letters, but not clearly a language we answer in straight away: offer the menu. */
  | { menu: true }
  /** Nothing to go by (digits, emoji, a sticker). */
  | undefined;

/** The words of each language as people type them in Latin letters, and where we answer at once. */
export interface LatinWords {
  /** Languages answered in straight away when the words say so; the rest lead to the menu. */
  answer: readonly string[];
  /** Language -> its words (lower case, no marks). */
  words: ReadonlyMap<string, ReadonlySet<string>>;
}

const latinWordsSchema = z
  .object({
    answer: z.array(z.string()),
    words: z.record(z.string(), z.array(z.string().regex(/^[a-z]+$/, 'one word of lower-case letters a-z, no spaces or marks'))),
  })
  .strict();

/**
 * Reads `<localesDir>/latin-words.yaml`, checking its languages against the locales; without the
 * file, Latin text is never answered straight away (the menu, unless the marks say Vietnamese).
 */
export function loadLatinWords(localesDir: string, languages: readonly string[]): LatinWords {
  const file = path.join(localesDir, LATIN_WORDS_FILE);
  if (!existsSync(file)) return { answer: [], words: new Map() };
  const parsed = latinWordsSchema.safeParse(readYamlFile(file));
  if (!parsed.success) {
    throw new DefinitionError(parsed.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })));
  }
  const problems = [...parsed.data.answer.map((l, i) => [`answer.${i}`, l] as const), ...Object.keys(parsed.data.words).map((l) => [`words.${l}`, l] as const)]
    .filter(([, lang]) => !languages.includes(lang))
    .map(([at, lang]) => ({ file, path: at, message: `"${lang}" is not a language of the locales (${languages.join(', ')})` }));
  if (problems.length) throw new DefinitionError(problems);
  return { answer: parsed.data.answer, words: new Map(Object.entries(parsed.data.words).map(([lang, list]) => [lang, new Set(list)])) };
}

/** The Latin words of a text, folded as the lists are: lower case, no marks, "don't" -> "dont". */
export function latinTokens(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/['’]/g, '')
      .match(/[a-z]+/g) ?? []
  );
}

/** Where a message's Latin words point: the one language most of them belong to, or the menu. */
function fromLatinWords(text: string, latin: LatinWords, supported: readonly string[]): Detected {
  const tokens = latinTokens(text);
  if (!tokens.length) return { menu: true };
  // Each word as typed, and with a letter typed three times or more ("helllo") as one and as two.
  const forms = tokens.map((t) => [t, t.replace(/(.)\1{2,}/g, '$1'), t.replace(/(.)\1{2,}/g, '$1$1')]);
  const counts: [string, number][] = [...latin.words].map(([lang, words]) => [lang, forms.filter((f) => f.some((w) => words.has(w))).length]);
  counts.sort((a, b) => b[1] - a[1]);
  const [best, second] = counts;
  // Most of the words are the language's, and more of them than of any other.
  if (!best || best[1] * 2 < tokens.length || best[1] === (second?.[1] ?? 0)) return { menu: true };
  return latin.answer.includes(best[0]) && supported.includes(best[0]) ? { lang: best[0], by: 'words' } : { menu: true };
}

/**
 * What a first message says about its language, among `supported`: its script, Vietnamese marks,
 * or (for other Latin text) its words; `{ menu: true }` when it is Latin text of no clear language.
 */
export function detect(text: string, supported: readonly string[], latin?: LatinWords): Detected {
  const script = SCRIPTS.find(([re]) => re.test(text))?.[1] ?? (VIETNAMESE.test(text.normalize('NFD')) ? 'vi' : undefined);
  if (script) return supported.includes(script) ? { lang: script, by: 'script' } : undefined;
  if (!LATIN.test(text)) return undefined;
  return latin ? fromLatinWords(text, latin, supported) : { menu: true };
}

/** The language a text points to, among `supported`; undefined when it is not clear. */
export function detectLanguage(text: string, supported: readonly string[], latin?: LatinWords): string | undefined {
  const found = detect(text, supported, latin);
  return found && 'lang' in found ? found.lang : undefined;
}

/** A platform's BCP-47 hint (`th-TH`, `zh-Hans`, `my`) as a supported language, if it is one. */
export function languageFromHint(hint: string | undefined, supported: readonly string[]): string | undefined {
  const base = hint?.toLowerCase().split(/[-_]/)[0];
  return base && supported.includes(base) ? base : undefined;
}
