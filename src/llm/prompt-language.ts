/** Language names for the model's instructions: models follow English instructions best. */
const LANGUAGE_NAMES: Record<string, string> = { th: 'Thai', en: 'English', km: 'Khmer', my: 'Burmese', lo: 'Lao', vi: 'Vietnamese', zh: 'Chinese' };

/** The English name of a conversation language, for an instruction ("into Khmer"). */
export function promptLanguage(lang: string): string {
  return LANGUAGE_NAMES[lang] ?? lang;
}
