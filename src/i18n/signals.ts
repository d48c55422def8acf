/**
 * Reading a whole message for what it says, in the person's own words: that they are in danger now
 * ("they took my phone, I am locked in a room in Myawaddy"), and the indicators it describes
 * ("they keep my passport" -> documents_taken: yes). The code is generic; the phrases are data,
 * per language, in `locales/<lang>/signals.json`:
 *
 * - `danger.<kind>`: phrases that say the person is in danger now (any kind counts);
 * - `indicator.<key>.<value>`: phrases that describe an answer to a dictionary key;
 * - `negation.before` / `negation.after`: words that turn a phrase around when they stand just before
 *   or after it in the same clause ("I am **not** in danger", Burmese "...**ဘူး**"); `-` for none;
 * - `clause`: words that start a new clause ("but"), so that a negation does not reach across them.
 *
 * Phrases are `|`-separated. A phrase in Latin letters matches whole words ("beaten" is not found in
 * "unbeaten"), and `word*` matches the start of a word ("threaten*"); phrases in other scripts match
 * anywhere, since Thai, Lao, Khmer, Burmese and Chinese write words without spaces. `a ~ b` matches
 * `a` followed later in the same clause by `b` ("threaten* ~ kill").
 */
import { flatten, type Translations } from './locales.ts';

/** The locale namespace of the phrase data. */
export const SIGNALS_NS = 'signals';

/** What a message says. */
export interface Reading {
  /** The message says the person is in danger now (and no negation turns it around). */
  danger: boolean;
  /** The languages whose phrases matched, most matches first. */
  languages: string[];
  /** Answers the words describe, by dictionary key (the first phrase found wins). */
  answers: Record<string, string>;
}

interface Phrase {
  parts: string[];
  /** Whole-word matching (Latin letters). */
  words: boolean;
  /** By part: it may be the start of a longer word (`threaten*`). */
  prefix: boolean[];
  lang: string;
  /** The script of its first letter: only phrases of scripts the message uses are tried. */
  script: string;
  /** The dictionary key and value the phrase describes; none for a danger phrase. */
  key?: string;
  value?: string;
}

interface Cues {
  before: string[];
  after: string[];
  clause: string[];
}

const LATIN = /\p{Script=Latin}/u;
const HAN = /\p{Script=Han}/u;
const LETTER = /[\p{L}\p{N}\p{M}]/u;
/** Punctuation that ends a clause in the seven languages (Khmer ។, Burmese ၊ ။, CJK 。，、). */
const CLAUSE_MARKS = /[.!?;,:\n\u3002\uff01\uff1f\uff1b\uff0c\u3001\u17d4\u17d5\u104a\u104b]+/u;
/** Characters before or after a phrase that a negation may take up, in scripts written without spaces. */
const WINDOW = 10;
const HAN_WINDOW = 3;
/** Words before or after a Latin phrase that a negation may take up. */
const WORD_WINDOW = 2;

const SCRIPTS: [string, RegExp][] = [
  ['latin', /\p{Script=Latin}/u],
  ['thai', /\p{Script=Thai}/u],
  ['khmer', /\p{Script=Khmer}/u],
  ['myanmar', /\p{Script=Myanmar}/u],
  ['lao', /\p{Script=Lao}/u],
  ['han', /\p{Script=Han}/u],
];

/** The script of a phrase's first letter (`other` for digits and the rest). */
function scriptOf(phrase: string): string {
  const first = [...phrase].find((c) => /\p{L}/u.test(c)) ?? '';
  return SCRIPTS.find(([, re]) => re.test(first))?.[0] ?? 'other';
}

/** Folds case, width and punctuation other than clause marks. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2019\u2018`]/g, "'")
    .replace(/[^\p{L}\p{N}\p{M}\s.!?;,:\u3002\uff01\uff1f\uff1b\uff0c\u3001\u17d4\u17d5\u104a\u104b]+/gu, ' ')
    .replace(/[ \t]+/g, ' ');
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split('|')
    .map((w) => fold(w).replace(CLAUSE_MARKS, ' ').trim())
    .filter((w) => w && w !== '-');

/** How many characters of a phrase's first part name it in {@link PhraseSet}. */
const KEY = 3;

/**
 * Phrases indexed by the first {@link KEY} characters of their first part (or all of it, when
 * shorter). Most phrases are not in a message at all: rather than search the message once for
 * each of hundreds of phrases, the message's own runs of characters name the few that can be in
 * it, and those are searched. They come back in the phrases' order, since the first phrase found
 * for a key wins.
 */
class PhraseSet {
  private readonly phrases: Phrase[];
  /** By length of key (1 to KEY), then by key: the phrases' positions. */
  private readonly byKey: Map<string, number[]>[] = [];
  private readonly lengths: number[];
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(phrases: Phrase[]) {
    this.phrases = phrases;
    this.seen = new Uint32Array(phrases.length);
    for (let n = 0; n <= KEY; n++) this.byKey.push(new Map());
    for (const [i, p] of phrases.entries()) {
      const key = p.parts[0]!.slice(0, KEY);
      const map = this.byKey[key.length]!;
      const list = map.get(key);
      if (list) list.push(i);
      else map.set(key, [i]);
    }
    this.lengths = [...this.byKey.keys()].filter((n) => n > 0 && this.byKey[n]!.size > 0);
  }

  /** The phrases whose first part may occur in `clause`, in their order (a superset of those that do). */
  candidates(clause: string): Phrase[] {
    if (++this.stamp === 0xffffffff) (this.seen.fill(0), (this.stamp = 1));
    const found: number[] = [];
    for (const n of this.lengths) {
      const map = this.byKey[n]!;
      for (let i = 0; i + n <= clause.length; i++) {
        const list = map.get(clause.slice(i, i + n));
        if (!list) continue;
        for (const at of list) {
          if (this.seen[at] === this.stamp) continue;
          this.seen[at] = this.stamp;
          found.push(at);
        }
      }
    }
    found.sort((a, b) => a - b);
    return found.map((at) => this.phrases[at]!);
  }
}

/** Reads messages with the phrase data of every language (people do not always write in the conversation's). */
export class SignalReader {
  private readonly phrases: Phrase[] = [];
  private readonly cues = new Map<string, Cues>();
  private readonly clauseWords = new Set<string>();
  private readonly byScripts = new Map<string, PhraseSet>();

  constructor(translations: Translations) {
    for (const lang of translations.languages) {
      const tree = translations.resources[lang]?.[SIGNALS_NS];
      if (!tree) continue;
      const flat = flatten(tree as Record<string, unknown>);
      const cues: Cues = { before: list(flat.get('negation.before') as string), after: list(flat.get('negation.after') as string), clause: list(flat.get('clause') as string) };
      this.cues.set(lang, cues);
      for (const w of cues.clause) this.clauseWords.add(w);
      for (const [key, value] of flat) {
        if (typeof value !== 'string') continue;
        const [group, ...rest] = key.split('.');
        const danger = group === 'danger';
        if (!danger && !(group === 'indicator' && rest.length === 2)) continue;
        const means = danger ? {} : { key: rest[0]!, value: rest[1]! };
        for (const raw of value.split('|')) {
          const raws = raw.split('~').map((p) => p.trim()).filter(Boolean);
          if (!raws.length || raws[0] === '-') continue;
          const prefix = raws.map((r) => r.endsWith('*'));
          const parts = raws.map((r) => fold(r.replace(/\*$/, '')).trim());
          this.phrases.push({ parts, words: LATIN.test(raw), prefix, lang, script: scriptOf(parts[0]!), ...means });
        }
      }
    }
  }

  /**
   * What `text` says. A turn reads its message several times (danger now, an answer to a question,
   * indicators to note); the last reading is kept until the event loop's next turn, and frozen.
   */
  read(text: string): Reading {
    if (this.last?.text === text) return this.last.reading;
    const reading = this.readNow(text);
    Object.freeze(reading.answers);
    Object.freeze(reading.languages);
    // Not longer: what someone wrote is not kept in memory past the work on it.
    if (!this.last) setImmediate(() => (this.last = undefined));
    this.last = { text, reading: Object.freeze(reading) };
    return reading;
  }
  private last: { text: string; reading: Reading } | undefined;

  private readNow(text: string): Reading {
    const answers: Record<string, string> = {};
    const hits = new Map<string, number>();
    let danger = false;
    const folded = fold(text);
    const set = this.phrasesFor(folded);
    for (const clause of this.clauses(folded)) {
      for (const p of set.candidates(clause)) {
        if (p.key === undefined ? danger : answers[p.key] !== undefined) continue;
        if (!this.found(clause, p)) continue;
        hits.set(p.lang, (hits.get(p.lang) ?? 0) + 1);
        if (p.key === undefined) danger = true;
        else answers[p.key] = p.value!;
      }
    }
    const languages = [...hits.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    return { danger, languages, answers };
  }

  /** The phrases that can occur in a folded text: those of the scripts it is written in (kept per set of scripts). */
  private phrasesFor(folded: string): PhraseSet {
    const scripts = ['other', ...SCRIPTS.filter(([, re]) => re.test(folded)).map(([name]) => name)];
    const key = scripts.join(' ');
    let set = this.byScripts.get(key);
    if (!set) {
      const wanted = new Set(scripts);
      set = new PhraseSet(this.phrases.filter((p) => wanted.has(p.script)));
      this.byScripts.set(key, set);
    }
    return set;
  }

  /** The (folded) message in clauses: split at punctuation and at clause words standing on their own. */
  private clauses(folded: string): string[] {
    const out: string[] = [];
    for (const piece of folded.split(CLAUSE_MARKS)) {
      let current: string[] = [];
      for (const token of piece.trim().split(' ')) {
        if (this.clauseWords.has(token) && current.length) {
          out.push(current.join(' '));
          current = [];
        } else if (token) current.push(token);
      }
      if (current.length) out.push(current.join(' '));
    }
    return out;
  }

  /** Whether the phrase occurs in the clause without a negation next to it. */
  private found(clause: string, p: Phrase): boolean {
    let from = 0;
    for (;;) {
      const start = this.indexOf(clause, p.parts[0]!, from, p, 0);
      if (start < 0) return false;
      let end = this.wordEnd(clause, start + p.parts[0]!.length, p, 0);
      let whole = true;
      for (let i = 1; i < p.parts.length && whole; i++) {
        const at = this.indexOf(clause, p.parts[i]!, end, p, i);
        if (at < 0) whole = false;
        else end = this.wordEnd(clause, at + p.parts[i]!.length, p, i);
      }
      if (!whole) return false;
      if (!this.negated(clause, start, end, p)) return true;
      from = start + 1;
    }
  }

  private indexOf(clause: string, part: string, from: number, p: Phrase, n: number): number {
    for (let i = clause.indexOf(part, from); i >= 0; i = clause.indexOf(part, i + 1)) {
      if (!p.words) return i;
      const before = i === 0 || !LETTER.test(clause[i - 1]!);
      const afterAt = i + part.length;
      const after = afterAt >= clause.length || !LETTER.test(clause[afterAt]!) || p.prefix[n];
      if (before && after) return i;
    }
    return -1;
  }

  /** The end of a part, taking in the rest of the word for `word*`. */
  private wordEnd(clause: string, end: number, p: Phrase, n: number): number {
    if (p.prefix[n]) while (end < clause.length && LETTER.test(clause[end]!)) end++;
    return end;
  }

  private negated(clause: string, start: number, end: number, p: Phrase): boolean {
    const cues = this.cues.get(p.lang);
    if (!cues) return false;
    let before: string;
    let after: string;
    if (p.words) {
      before = clause.slice(0, start).trim().split(' ').slice(-WORD_WINDOW).join(' ');
      after = clause.slice(end).trim().split(' ').slice(0, WORD_WINDOW).join(' ');
      const has = (window: string, cue: string) => ` ${window} `.includes(` ${cue} `);
      return cues.before.some((c) => has(before, c)) || cues.after.some((c) => has(after, c));
    }
    const size = HAN.test(p.parts[0]!) ? HAN_WINDOW : WINDOW;
    before = clause.slice(Math.max(0, start - size), start);
    // A clause word inside the window ("但是", "แต่") starts a new clause: the negation stops there.
    for (const w of cues.clause) {
      const at = before.lastIndexOf(w);
      if (at >= 0) before = before.slice(at + w.length);
    }
    after = clause.slice(end, end + size);
    return cues.before.some((c) => before.includes(c)) || cues.after.some((c) => after.includes(c));
  }
}
