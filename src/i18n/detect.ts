/**
 * Guessing the language of a first message from its script, so that a frightened person who writes
 * in Thai, Khmer or Burmese is answered in it without a menu first.
 */

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

/** The language a text's script points to, among `supported`; undefined when it says nothing. */
export function detectLanguage(text: string, supported: readonly string[]): string | undefined {
  const found = SCRIPTS.find(([re]) => re.test(text))?.[1] ?? (VIETNAMESE.test(text.normalize('NFD')) ? 'vi' : /\p{Script=Latin}/u.test(text) ? 'en' : undefined);
  return found && supported.includes(found) ? found : undefined;
}

/** A platform's BCP-47 hint (`th-TH`, `zh-Hans`, `my`) as a supported language, if it is one. */
export function languageFromHint(hint: string | undefined, supported: readonly string[]): string | undefined {
  const base = hint?.toLowerCase().split(/[-_]/)[0];
  return base && supported.includes(base) ? base : undefined;
}
