/**
 * Understanding typed words: a {@link Lexicon} over every language's labels and synonyms, so that
 * "ใช่", "yes" or "Cambodia" answer a question whatever language the conversation is in.
 *
 * Synonyms live in the locales under `match.<label prefix>.<id>` as `a|b|c` (e.g.
 * `match.value.yesno.yes = "yes|y|ok"`); every value label counts too.
 */
import type { Lexicon } from '../flow/interpret.ts';
import type { Translations } from './locales.ts';

/** Folds case, width and punctuation so that "Yes!" and "yes" compare equal. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

const LATIN = /\p{Script=Latin}/u;

/** Whether `text` is `word`, or starts with it and the next letter begins a new word. */
function startsWithWord(text: string, word: string): boolean {
  if (text === word) return true;
  if (!word || !text.startsWith(word)) return false;
  const after = text.charAt(word.length);
  // Thai, Lao, Khmer and Myanmar write without spaces: "ใช่ครับ" is "ใช่" + a polite particle.
  return after === ' ' || !(LATIN.test(after) && LATIN.test(word.at(-1) ?? ''));
}

/** A lexicon built from the translations. */
export class TranslationLexicon implements Lexicon {
  private readonly cache = new Map<string, { id: string; word: string; lang: string }[]>();

  private readonly translations: Translations;

  constructor(translations: Translations) {
    this.translations = translations;
  }

  match(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined, opts: { whole?: boolean } = {}): string | undefined {
    const typed = normalize(text);
    if (!typed) return undefined;
    const words = this.words(ids, labelPrefix);
    // Whole matches first (in the conversation's language first), then the longest leading word.
    const exact = words.filter((w) => w.word === typed);
    const hit = exact.find((w) => w.lang === lang) ?? exact[0] ?? (opts.whole ? undefined : words.find((w) => startsWithWord(typed, w.word)));
    return hit?.id;
  }

  private words(ids: readonly string[], prefix: string) {
    const cacheKey = `${prefix}|${ids.join(',')}`;
    let list = this.cache.get(cacheKey);
    if (!list) {
      list = [];
      for (const lang of this.translations.languages) {
        for (const id of ids) {
          const label = this.translations.raw(lang, `${prefix}.${id}`);
          const synonyms = this.translations.raw(lang, `match.${prefix}.${id}`);
          for (const w of [label, ...(synonyms?.split('|') ?? [])]) {
            const word = w && normalize(w);
            if (word) list.push({ id, word, lang });
          }
        }
      }
      list.sort((a, b) => b.word.length - a.word.length);
      this.cache.set(cacheKey, list);
    }
    return list;
  }
}
