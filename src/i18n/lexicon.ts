/**
 * Reading typed words: a {@link Lexicon} over every language's labels and word lists, so that
 * "ใช่", "yes" or "Cambodia" answer a question whatever language the conversation is in.
 *
 * The reader is generic; the words are language work and live in the locales (issue 9):
 * - `match.<label prefix>.<id>`: synonyms of a choice, `a|b|c` (e.g. `match.value.yesno.no`);
 *   every value label counts too;
 * - `match.filler`: polite particles, fillers and pronouns: no answer on their own ("ครับ", "嗯",
 *   "dạ"), and never an answer's meaning next to other words;
 * - `match.ignore`: words that contain an answer word but are not one (Khmer ប្រទេស holds ទេ "no");
 *   `a>b` ignores `a` only when `b` follows, and reads on from `b` (Lao ລາວ>ຢູ່: "he/she is", not
 *   Laos);
 * - `match.separators`: words that join the items of a list ("และ", "和", "và", "and"); "-" where a
 *   list is empty.
 *
 * A message is read whole: at every place the longest known word is taken, so "ไม่แน่ใจ" is one
 * "unsure" and not "no" + more, and Thai, Lao, Khmer and Burmese need no spaces. Latin words match
 * whole words only; no word starts or ends inside a cluster of combining marks.
 */
import type * as OpenCC from 'opencc-js/t2cn';
import { requiredLazily } from '../core/lazily.ts';
import type { Lexicon, Reading } from '../flow/interpret.ts';
import { asciiDigits } from '../flow/interpret.ts';
import type { Resources, Translations } from './locales.ts';

const HAN = /\p{Script=Han}/u;
const openCC = requiredLazily<typeof OpenCC>('opencc-js/t2cn');
/** Made on the first Chinese text not folded before: loading and building its dictionaries took about 25 ms of a start. */
let simplify: ((text: string) => string) | undefined;
const convert = (text: string) => (simplify ??= openCC().Converter({ from: 't', to: 'cn' }))(text);
/** Han texts whose fold is known (the locales' words, see {@link hanFoldsOf}): the same result as converting them. */
const knownFolds = new Map<string, string>();
const toSimplified = (text: string) => knownFolds.get(text) ?? convert(text);

/**
 * The simplified form of every Han text that the matchers fold when they are built: each locale
 * value, its `|` parts and their `a>b` halves, after NFKC (what {@link normalize} converts).
 * Worked out when the definitions are checked and kept with them, so that a start from the
 * definitions cache builds no converter: only a person's Chinese message does.
 */
export function hanFoldsOf(resources: Resources): Record<string, string> {
  const folds: Record<string, string> = {};
  const fold = (text: string) => {
    const s = text.normalize('NFKC');
    if (HAN.test(s) && !(s in folds)) folds[s] = convert(s);
  };
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      fold(value);
      for (const part of value.split('|')) {
        const [head = '', ahead = ''] = part.split('>');
        fold(part);
        fold(head);
        fold(head + ahead);
      }
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(v);
  };
  visit(resources);
  return folds;
}

/** Makes {@link normalize} use these folds (from {@link hanFoldsOf}) instead of converting the same texts again. */
export function rememberHanFolds(folds: Record<string, string>): void {
  for (const [text, folded] of Object.entries(folds)) knownFolds.set(text, folded);
}

/** Whether the traditional-to-simplified converter has been built (for tests of start-up). */
export function hanConverterBuilt(): boolean {
  return simplify !== undefined;
}

/**
 * Folds what does not change meaning: case, width, traditional Chinese to simplified, digits of
 * every script, apostrophes ("don't" = "dont") and punctuation, so that "Yes!" and "yes" compare equal.
 */
export function normalize(text: string): string {
  let s = text.normalize('NFKC');
  if (HAN.test(s)) s = toSimplified(s);
  return asciiDigits(s)
    .toLowerCase()
    .replace(/['’ʼ`]/g, '')
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

type Kind = 'id' | 'filler' | 'ignore' | 'separator';

interface Entry {
  /** What must be written here for the entry to match. */
  word: string;
  /** How much of it the entry takes (less than `word` for `a>b` lookahead entries). */
  takes: number;
  kind: Kind;
  id?: string;
  lang: string;
}

const WORD_CHAR = /[\p{Script=Latin}\p{N}]/u;
const MARK = /\p{M}/u;
/** Khmer coeng and Myanmar virama: the next consonant is stacked under this one. */
const STACKER = /[\u17D2\u1039]/;
/** Thai and Lao vowels written before the consonant they follow in speech (เมีย holds no มี). */
const LEADING_VOWEL = /[\u0E40-\u0E44\u0EC0-\u0EC4]/;

/** Whether `word` may match `s` at `i` without cutting a Latin word or a cluster. */
function fits(s: string, i: number, word: string): boolean {
  if (!s.startsWith(word, i)) return false;
  const before = s[i - 1];
  const after = s[i + word.length];
  if (before && (STACKER.test(before) || LEADING_VOWEL.test(before))) return false;
  if (before && WORD_CHAR.test(word[0]!) && WORD_CHAR.test(before)) return false;
  if (after && WORD_CHAR.test(word.at(-1)!) && WORD_CHAR.test(after)) return false;
  return !(after && MARK.test(after));
}

/** A lexicon built from the translations. */
export class TranslationLexicon implements Lexicon {
  private readonly cache = new Map<string, Map<string, Entry[]>>();
  private readonly translations: Translations;

  constructor(translations: Translations) {
    this.translations = translations;
  }

  match(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined, opts: { whole?: boolean } = {}): string | undefined {
    const typed = normalize(text);
    if (!typed) return undefined;
    // The whole message as a word: the conversation's language first, where "k" is "ok" in English
    // and "no" in Vietnamese.
    const exact = (this.index(ids, labelPrefix).get(typed[0]!) ?? []).filter((e) => e.word === typed && e.takes === e.word.length);
    const hit = exact.find((e) => e.lang === lang) ?? exact.find((e) => e.kind === 'id');
    if (hit?.kind === 'id' || opts.whole) return hit?.kind === 'id' ? hit.id : undefined;
    if (hit) return undefined;
    const reading = this.read(text, ids, labelPrefix, lang);
    return reading.ids.length === 1 ? reading.ids[0] : undefined;
  }

  read(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined): Reading {
    const s = normalize(text);
    const index = this.index(ids, labelPrefix);
    const found: string[] = [];
    const numbers: number[] = [];
    let rest = false;
    let filler = false;
    let i = 0;
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === ' ') {
        i++;
        continue;
      }
      const entry = best(index.get(ch), s, i, lang);
      if (entry) {
        if (entry.kind === 'id') {
          const at = found.indexOf(entry.id!);
          if (at >= 0) found.splice(at, 1);
          found.push(entry.id!);
        } else if (entry.kind === 'filler') filler = true;
        i += entry.takes;
        continue;
      }
      const han = hanNumber(s, i);
      if (han) {
        numbers.push(han.value);
        i += han.length;
        continue;
      }
      if (/\d/.test(ch)) {
        DIGIT_RUN.lastIndex = i;
        const digits = DIGIT_RUN.exec(s)![0];
        numbers.push(Number(digits));
        i += digits.length;
        continue;
      }
      // An unknown word: skip a whole Latin word, or one letter with its marks elsewhere.
      rest = true;
      if (WORD_CHAR.test(ch)) while (i < s.length && WORD_CHAR.test(s[i]!)) i++;
      else {
        i++;
        while (i < s.length && (MARK.test(s[i]!) || STACKER.test(s[i - 1]!))) i++;
      }
    }
    return { ids: found, numbers, rest, fillerOnly: filler && !found.length && !numbers.length && !rest };
  }

  /** Every language's words for these ids, fillers, ignored words and separators, by first letter. */
  private index(ids: readonly string[], prefix: string): Map<string, Entry[]> {
    const cacheKey = `${prefix}|${ids.join(',')}`;
    let index = this.cache.get(cacheKey);
    if (index) return index;
    const entries: Entry[] = [];
    const add = (list: (string | undefined)[], kind: Kind, lang: string, id?: string) => {
      for (const raw of list) {
        if (!raw) continue;
        const [head, ahead = ''] = raw.split('>');
        const word = normalize(head! + ahead);
        const takes = ahead ? normalize(head!).length : word.length;
        if (word && takes) entries.push({ word, takes, kind, lang, ...(id ? { id } : {}) });
      }
    };
    const list = (lang: string, key: string) => this.translations.raw(lang, key)?.split('|') ?? [];
    for (const lang of this.translations.languages) {
      for (const id of ids) add([this.translations.raw(lang, `${prefix}.${id}`), ...list(lang, `match.${prefix}.${id}`)], 'id', lang, id);
      add(list(lang, 'match.filler'), 'filler', lang);
      add(list(lang, 'match.ignore'), 'ignore', lang);
      add(list(lang, 'match.separators'), 'separator', lang);
    }
    // Longest first; at equal length an answer before a filler (Lao ລາວ is Laos at the country question).
    const rank: Record<Kind, number> = { id: 0, ignore: 1, separator: 2, filler: 3 };
    entries.sort((a, b) => b.word.length - a.word.length || rank[a.kind] - rank[b.kind]);
    index = new Map();
    for (const e of entries) {
      const first = e.word[0]!;
      if (!index.has(first)) index.set(first, []);
      index.get(first)!.push(e);
    }
    this.cache.set(cacheKey, index);
    return index;
  }
}

/** The longest entry that fits at `i`; of equal ones, the conversation's language first. */
function best(candidates: Entry[] | undefined, s: string, i: number, lang: string | undefined): Entry | undefined {
  let hit: Entry | undefined;
  for (const e of candidates ?? []) {
    if (hit && e.word.length < hit.word.length) break;
    if (!fits(s, i, e.word)) continue;
    if (!hit) hit = e;
    else if (e.lang === lang && hit.lang !== lang) return e;
    if (hit.lang === lang) return hit;
  }
  return hit;
}

const DIGIT_RUN = /\d+/y;
const HAN_RUN = /[零一二两三四五六七八九十]+/y;
const HAN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/**
 * A number written in Chinese numerals at `i` ("十六", "二十五岁"), up to 99. Only with 十 or before
 * 岁, so that words such as 一定 ("surely") are not read as numbers.
 */
function hanNumber(s: string, i: number): { value: number; length: number } | undefined {
  HAN_RUN.lastIndex = i;
  const run = HAN_RUN.exec(s)?.[0];
  if (!run || !(run.includes('十') || s[i + run.length] === '岁')) return undefined;
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(run);
  if (!m || (!m[2] && m[1] && m[3])) return undefined;
  const tens = m[2] ? (m[1] ? HAN_DIGITS[m[1]]! : 1) : 0;
  const ones = m[2] ? (m[3] ? HAN_DIGITS[m[3]]! : 0) : HAN_DIGITS[m[1] ?? m[3] ?? '']!;
  if (ones === undefined) return undefined;
  return { value: tens * 10 + ones, length: run.length };
}
