/**
 * Choosing the conversation's language: from a first message (its script, its words, a language it
 * names), from a language typed at the menu, and what is said again after a change.
 */
import type { FlowSet, Out, SessionState } from '../flow/types.ts';
import { detect, type LatinWords, languageFromHint } from '../i18n/detect.ts';
import { LanguageNames } from '../i18n/language-names.ts';
import type { Translations } from '../i18n/locales.ts';
import { asciiDigits } from '../flow/interpret.ts';

/** The dictionary key of the language question. */
const LANG_KEY = 'lang';

/**
 * Said again in the new language after a change: what this service is, that it never asks for
 * money, and the quick-exit word. A person who landed in the wrong language never read them.
 */
export const WELCOME_KEYS = ['entry.welcome', 'entry.safety'] as const;

/** The welcome lines, as engine output. */
export const WELCOME_OUT: Out[] = WELCOME_KEYS.map((key) => ({ kind: 'say', key }));

/** Said first when the language was a guess: how to change it. */
export const CHANGE_HINT_KEY = 'language_switch.change_hint';

/** Language choice over the locales' languages. */
export class LanguageChoice {
  private readonly names: LanguageNames;
  private readonly langs: readonly string[];
  private readonly flows: FlowSet;
  private readonly latin: LatinWords | undefined;

  constructor(translations: Translations, flows: FlowSet, latin?: LatinWords) {
    this.names = new LanguageNames(translations);
    this.langs = translations.languages;
    this.flows = flows;
    this.latin = latin;
  }

  /**
   * The language of a new conversation: one the first message names ("Thai", "ภาษาไทย"), or is
   * written in, else the platform's hint or the last conversation's language. Latin text of no clear
   * language leads to the menu (no language) rather than to English: a phone set to English says
   * little about its owner, so an English hint does not decide it. `unsure` when the language was
   * not named nor shown by its script: the person is told how to change it.
   */
  opening(text: string | undefined, hint: string | undefined, previous: string | undefined): { lang?: string; unsure?: boolean } {
    const named = text ? this.names.match(text) : undefined;
    if (named) return { lang: named };
    const found = text ? detect(text, this.langs, this.latin) : undefined;
    if (found && 'lang' in found) return { lang: found.lang, unsure: found.by === 'words' };
    const hinted = languageFromHint(hint, this.langs);
    const lang = found?.menu ? (previous ?? (hinted === 'en' ? undefined : hinted)) : (hinted ?? previous);
    return lang ? { lang, unsure: true } : {};
  }

  /**
   * The language a message typed at the language menu picks: a language's name in any of our
   * languages, the number of a button, or text clearly written in one language.
   */
  typed(text: string): string | undefined {
    const named = this.names.match(text);
    if (named) return named;
    const digits = asciiDigits(text.trim());
    if (/^\d{1,2}$/.test(digits)) return this.offered()[Number(digits) - 1];
    const found = detect(text, this.langs, this.latin);
    return found && 'lang' in found ? found.lang : undefined;
  }

  /** Whether the conversation waits for a language: the menu of /lang, or the flow's language question. */
  waitsForLanguage(state: SessionState | undefined): state is SessionState {
    return state !== undefined && !state.ended && (state.choosingLanguage === true || this.atLanguageQuestion(state));
  }

  /** Whether the flow itself waits at its language question (the first menu, before the welcome). */
  atLanguageQuestion(state: SessionState): boolean {
    return this.flows.flows.get(state.flow)?.nodes.get(state.node)?.ask === LANG_KEY;
  }

  /** The languages offered, in the menu's order. */
  private offered(): string[] {
    return (this.flows.dictionary[LANG_KEY]?.values ?? []).filter((l) => this.langs.includes(l));
  }
}
