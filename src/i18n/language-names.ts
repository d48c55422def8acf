/**
 * Language names typed at the language menu: "Thai", "ภาษาไทย", "tiếng Việt", "tieng viet", "中文",
 * "ខ្មែរ", "ພາສາລາວ", "မြန်မာ". Every locale names every language, in the menu's labels
 * (`language.<id>`, "ไทย (Thai)") and in `language_names.<id>` (`a|b|c`); a name counts in every
 * conversation language, because a person who landed in the wrong one types their own.
 */
import type { Translations } from './locales.ts';

/**
 * Folds a name for comparison: width, case, spaces and punctuation ("ภาษา ไทย" = "ภาษาไทย"). With
 * `loose`, Vietnamese marks go too ("tieng viet" = "tiếng Việt"); only the combining marks of Latin
 * letters go: Thai, Lao, Khmer and Myanmar vowel signs are letters of their own blocks and stay.
 */
export function foldName(text: string, loose = true): string {
  const folded = text.normalize('NFKD').toLowerCase();
  return (loose ? folded.replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd') : folded).replace(/[\s\p{P}\p{S}]+/gu, '').normalize('NFC');
}

/** The names of the languages, in every language. */
export class LanguageNames {
  private readonly exact = new Map<string, string>();
  private readonly loose = new Map<string, string>();
  /** Names, as written, that two languages share (none today); they are left out rather than guessed. */
  readonly clashes: { name: string; langs: string[] }[] = [];

  constructor(translations: Translations) {
    const exact = new Map<string, Set<string>>();
    const loose = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, name: string, lang: string) => name && map.set(name, (map.get(name) ?? new Set()).add(lang));
    for (const locale of translations.languages) {
      for (const lang of translations.languages) {
        const label = translations.raw(locale, `language.${lang}`) ?? '';
        // "ไทย (Thai)": the whole label, and each of its two names.
        const parts = [label, ...label.split(/[()（）]/), ...(translations.raw(locale, `language_names.${lang}`)?.split('|') ?? [])];
        for (const part of parts) {
          add(exact, foldName(part, false), lang);
          add(loose, foldName(part), lang);
        }
      }
    }
    for (const [name, langs] of exact) {
      if (langs.size === 1) this.exact.set(name, [...langs][0]!);
      else this.clashes.push({ name, langs: [...langs] });
    }
    // Without marks, Vietnamese "Miên" (Khmer) and "Miến" (Burmese) meet: such a name is only
    // understood as written.
    for (const [name, langs] of loose) if (langs.size === 1) this.loose.set(name, [...langs][0]!);
  }

  /** The language a whole message names, if it names one: as written first, then without marks. */
  match(text: string): string | undefined {
    return this.exact.get(foldName(text, false)) ?? this.loose.get(foldName(text));
  }
}
