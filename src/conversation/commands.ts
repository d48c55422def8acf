/**
 * Commands a user can give at any point, in any language: leave (quick exit), status, language,
 * help, start again. Exit words come from every locale, so that a person can always leave.
 */
import type { Translations } from '../i18n/locales.ts';
import { normalize } from '../i18n/lexicon.ts';

export type Command = 'exit' | 'status' | 'lang' | 'help' | 'start' | 'delete' | 'privacy';

// /delete and /privacy (issue 14) are slash commands only: a typed "delete" may be an answer.
const SLASH: Record<string, Command> = { exit: 'exit', stop: 'exit', status: 'status', lang: 'lang', language: 'lang', help: 'help', start: 'start', delete: 'delete', privacy: 'privacy' };

/**
 * A command is a word or two: "/start" with a Telegram deep-link payload (at most 64 characters)
 * fits; anything longer is not a command.
 */
export const MAX_COMMAND_LENGTH = 80;

/**
 * Whether a text is a broken command: "/word" that is no command, or a command with a page of text
 * after it. Such input is answered with help and changes nothing (it is neither a restart nor an answer).
 */
export function isBadCommand(text: string, command: Command | undefined): boolean {
  const t = text.trim();
  if (!/^\/[a-z]/i.test(t)) return false;
  return command === undefined || t.length > MAX_COMMAND_LENGTH;
}

/** Recognises commands: `/exit`, `/stop`, `/status`, `/lang`, `/help`, `/start`, or a command word. */
export class CommandMatcher {
  private readonly words = new Map<string, Command>();

  constructor(translations: Translations) {
    for (const lang of translations.languages) {
      for (const cmd of ['exit', 'status', 'lang', 'help'] as const) {
        for (const w of translations.raw(lang, `words.${cmd}`)?.split('|') ?? []) {
          const word = normalize(w);
          if (word) this.words.set(word, cmd);
        }
      }
    }
  }

  /** The command a text gives, if it is one (the whole message, not a word inside a sentence). */
  match(text: string): Command | undefined {
    const slash = /^\/([a-z]+)(@\w+)?(\s|$)/i.exec(text.trim());
    if (slash) return SLASH[slash[1]!.toLowerCase()];
    return this.words.get(normalize(text));
  }
}
