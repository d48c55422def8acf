/**
 * The dashboard's words: its own `dashboard` namespace for the interface, and the bot's namespace
 * for what the reporter was asked and answered (question labels, value labels, agency and country
 * names), so staff read the same wording as the summary the reporter confirmed.
 */
import { valueText } from '../conversation/render.ts';
import type { AnswerValue, Dictionary } from '../flow/types.ts';
import type { Translate, Translations } from '../i18n/locales.ts';
import { DASHBOARD_NS, type StaffLanguage, type StaffLanguages } from './staff-languages.ts';

export { DASHBOARD_NS };
/** Hotlines work in Thai time whatever the server's zone. */
export const TIME_ZONE = 'Asia/Bangkok';

/** Translations for one staff member's language. */
export class DashboardText {
  private readonly bot: Translate;
  private readonly dates: Intl.DateTimeFormat;

  /** The staff language these words are in (one of {@link languages}). */
  readonly lang: string;
  /** Every staff language, for the language switch. */
  readonly languages: readonly StaffLanguage[];
  /** The training workspace: every page carries its banner. */
  readonly training: boolean;
  private readonly dictionary: Dictionary;

  /** `lang` is taken as it comes (a stored preference, a form): anything not listed is the default. */
  constructor(
    translations: Translations,
    lang: string | undefined,
    dictionary: Dictionary,
    languages: StaffLanguages,
    opts: { training?: boolean } = {},
  ) {
    this.training = opts.training ?? false;
    this.lang = languages.pick(lang);
    this.languages = languages.list;
    this.dictionary = dictionary;
    this.bot = translations.t(this.lang);
    this.dates = new Intl.DateTimeFormat(languages.get(this.lang).dates, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE });
  }

  /** An interface string. */
  t(key: string, options: Record<string, unknown> = {}): string {
    return this.bot(key, { ...options, ns: DASHBOARD_NS });
  }

  /** The label of a dictionary key, as the reporter's summary shows it. */
  question(key: string): string {
    return this.bot(`summary.label.${key}`, { defaultValue: key });
  }

  /** An answer in words. */
  answer(key: string, value: AnswerValue): string {
    const def = this.dictionary[key];
    if (!def) return typeof value === 'object' ? JSON.stringify(value) : String(value);
    return valueText(key, def, value, this.bot);
  }

  /** An agency's name. */
  agency(id: string): string {
    return this.bot(`agency.${id}`, { defaultValue: id });
  }

  /** A date and time in Thai time. */
  date(iso: string | null | undefined): string {
    return iso ? this.dates.format(new Date(iso)) : '';
  }

  /** A duration in words: "3 d 4 h", "2 h 5 min", "12 min". */
  duration(ms: number): string {
    const minutes = Math.max(0, Math.round(ms / 60_000));
    const d = Math.floor(minutes / 1440);
    const h = Math.floor((minutes % 1440) / 60);
    const m = minutes % 60;
    if (d > 0) return this.t('time.days_hours', { d, h });
    if (h > 0) return this.t('time.hours_minutes', { h, m });
    return this.t('time.minutes', { m });
  }
}
