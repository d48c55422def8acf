/**
 * The choice the quick exit's goodbye offers when a case stays with staff (issue 14): tapping it
 * works as `/delete` (a request to erase the case).
 */
import type { Translations } from '../i18n/locales.ts';
import type { Reply } from './reply.ts';

/** Its id; no dictionary value uses it. */
export const DELETE_CHOICE = 'delete_my_data';

/** The choice, labelled in the conversation's language. */
export function deleteChoice(translations: Translations, lang: string | undefined): NonNullable<Reply['choices']>[number] {
  return { id: DELETE_CHOICE, label: translations.t(lang)('privacy.delete_button') };
}
