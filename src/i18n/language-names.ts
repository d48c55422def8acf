/**
 * Language names typed at the language menu: "Thai", "ภาษาไทย", "tiếng Việt", "tieng viet", "中文",
 * "ខ្មែរ", "ພາສາລາວ", "မြန်မာ". Every locale names every language, in the menu's labels
 * (`language.<id>`, "ไทย (Thai)") and in `language_names.<id>` (`a|b|c`); a name counts in every
 * conversation language, because a person who landed in the wrong one types their own.
 */
import type { Translations } from './locales.ts';

/**
 * Folds a name for comparison: width and case, Vietnamese marks ("Việt" = "viet"), spaces and
 * punctuation ("ภาษา ไทย" = "ภาษาไทย"). Only the combining marks of Latin letters go: Thai, Lao,
 * Khmer and Myanmar vowel signs are letters of their own blocks and stay.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .normalize('NFC');
}

/** The names of the languages, in every language. */
export class LanguageNames {
  private readonly names = new Map<string, string>();
  /** Names that two languages share (none today); they are left out rather than guessed. */
  readonly clashes: { name: string; langs: string[] }[] = [];

  constructor(translations: Translations) {
    const seen = new Map<string, Set<string>>();
    for (const locale of translations.languages) {
      for (const lang of translations.languages) {
        const label = translations.raw(locale, `language.${lang}`) ?? '';
        // "ไทย (Thai)": the whole label, and each of its two names.
        const parts = [label, ...label.split(/[()（）]/), ...(translations.raw(locale, `language_names.${lang}`)?.split('|') ?? [])];
        for (const part of parts) {
          const name = foldName(part);
          if (name) seen.set(name, (seen.get(name) ?? new Set()).add(lang));
        }
      }
    }
    for (const [name, langs] of seen) {
      if (langs.size === 1) this.names.set(name, [...langs][0]!);
      else this.clashes.push({ name, langs: [...langs] });
    }
  }

  /** The language a whole message names, if it names one. */
  match(text: string): string | undefined {
    return this.names.get(foldName(text));
  }
}
