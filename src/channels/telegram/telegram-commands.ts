/**
 * The bot's command menu (/start /help /lang /status /privacy /delete /exit), with a description in every language
 * that has one, registered with setMyCommands.
 */
import type { Api } from 'grammy';
import type { Translations } from '../../i18n/locales.ts';
import { REFERENCE_LANGUAGE } from '../../i18n/locales.ts';

/** The commands shown in Telegram's menu; the conversation understands each of them. */
export const BOT_COMMANDS = ['start', 'help', 'lang', 'status', 'privacy', 'delete', 'exit'] as const;

/** The command list in one language (descriptions fall back to the reference language). */
export function commandList(translations: Translations, lang: string): { command: string; description: string }[] {
  return BOT_COMMANDS.map((command) => ({
    command,
    description: (translations.raw(lang, `commands.${command}`) ?? translations.raw(REFERENCE_LANGUAGE, `commands.${command}`) ?? command).slice(0, 256),
  }));
}

/**
 * Registers the menu: the reference language as the default for everyone, and each supported
 * language for users whose Telegram is set to it.
 */
export async function registerCommands(api: Pick<Api, 'setMyCommands'>, translations: Translations): Promise<void> {
  await api.setMyCommands(commandList(translations, REFERENCE_LANGUAGE));
  for (const lang of translations.languages) {
    await api.setMyCommands(commandList(translations, lang), { language_code: lang as never });
  }
}
