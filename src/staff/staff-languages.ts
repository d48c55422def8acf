/**
 * The languages of the staff side (dashboard, alerts, the claim button's answers) as data:
 * `locales/staff-languages.yaml`. The code offers whatever the file lists; `npm run check` makes sure
 * every listed language has every dashboard key and that no other language has a dashboard file.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';

/** The namespace of the dashboard's interface strings (`locales/<lang>/dashboard.json`). */
export const DASHBOARD_NS = 'dashboard';

/** The file's name in the locales folder. */
export const STAFF_LANGUAGES_FILE = 'staff-languages.yaml';

const fileSchema = z
  .object({
    languages: z
      .array(
        z
          .object({
            code: z.string().regex(/^[a-z]{2,3}$/, 'a language code as the locales folder names it (th, en, km)'),
            name: z.string().trim().min(1, 'the language named in its own script'),
            dates: z.string().trim().min(2, 'a BCP 47 locale for dates, e.g. km-KH'),
          })
          .strict(),
      )
      .min(1, 'list at least one language'),
  })
  .strict();

/** One staff language. */
export interface StaffLanguage {
  code: string;
  /** Its name in its own script, as the language switch shows it. */
  name: string;
  /** The Intl locale of dates and times. */
  dates: string;
}

/** The staff languages, the first being the default. */
export class StaffLanguages {
  readonly list: readonly StaffLanguage[];

  constructor(list: readonly StaffLanguage[]) {
    if (!list.length) throw new Error('at least one staff language');
    this.list = list;
  }

  /** The language codes, in the file's order. */
  get codes(): string[] {
    return this.list.map((l) => l.code);
  }

  /** The default language (the first). */
  get fallback(): string {
    return this.list[0]!.code;
  }

  /** Whether a code is a staff language. */
  has(code: string | undefined): boolean {
    return code !== undefined && this.list.some((l) => l.code === code);
  }

  /** A staff language from anything (a stored preference, a form, a query), or `fallback`. */
  pick(value: string | undefined, fallback = this.fallback): string {
    return this.has(value) ? value! : this.has(fallback) ? fallback : this.fallback;
  }

  /** The best staff language of an Accept-Language header (or a Telegram `language_code`), or `fallback`. */
  fromHeader(header: string | undefined, fallback = this.fallback): string {
    const wanted = (header ?? '')
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().toLowerCase().split(';');
        const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
        return { code: (tag ?? '').split('-')[0]!, q: q === undefined ? 1 : Number(q) };
      })
      .filter((w) => w.code && w.q > 0)
      .sort((a, b) => b.q - a.q);
    return wanted.find((w) => this.has(w.code))?.code ?? this.pick(fallback);
  }

  /** The entry of a code (the default's when unknown). */
  get(code: string): StaffLanguage {
    return this.list.find((l) => l.code === code) ?? this.list[0]!;
  }
}

/** Reads and checks `locales/staff-languages.yaml` against the locale folders present. */
export function loadStaffLanguages(localesDir: string, localeLanguages: readonly string[]): StaffLanguages {
  const file = path.join(localesDir, STAFF_LANGUAGES_FILE);
  if (!existsSync(file)) throw new DefinitionError([{ file, path: '', message: 'missing: list the languages of the staff pages here (see docs/dashboard.md)' }]);
  const parsed = fileSchema.safeParse(readYamlFile(file));
  if (!parsed.success) throw new DefinitionError(zodProblems(file, '', parsed.error));
  const problems = parsed.data.languages.flatMap((l, i) => {
    const out = [];
    if (!localeLanguages.includes(l.code)) out.push({ file, path: `languages[${i}].code`, message: `"${l.code}" has no folder in ${localesDir}` });
    if (parsed.data.languages.findIndex((o) => o.code === l.code) !== i) out.push({ file, path: `languages[${i}].code`, message: `"${l.code}" is listed twice` });
    try {
      new Intl.DateTimeFormat(l.dates);
    } catch {
      out.push({ file, path: `languages[${i}].dates`, message: `"${l.dates}" is not a locale Intl knows` });
    }
    return out;
  });
  if (problems.length) throw new DefinitionError(problems);
  return new StaffLanguages(parsed.data.languages);
}

/** The staff languages of a locales folder, for commands that load nothing else (the CLI). */
export function staffLanguagesOf(localesDir: string): StaffLanguages {
  const folders = readdirSync(localesDir).filter((f) => statSync(path.join(localesDir, f)).isDirectory());
  return loadStaffLanguages(localesDir, folders);
}
