/**
 * Locales: `locales/<lang>/<namespace>.json`. The supported languages are the folders present, so
 * nothing assumes a fixed number of them; English is the reference every other language must match.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInstance, type i18n } from 'i18next';
import { DefinitionError } from '../core/errors.ts';

/** The language every other locale is checked against, and the fallback for a missing key. */
export const REFERENCE_LANGUAGE = 'en';
/** The conversation's namespace; the dashboard adds its own. */
export const BOT_NS = 'bot';

/**
 * Namespaces offered in some languages only, by namespace: the staff dashboard is offered in the
 * languages of `locales/staff-languages.yaml` (src/staff/staff-languages.ts); the bot speaks every
 * language of the locales folder.
 */
export type NamespaceLanguages = Readonly<Record<string, readonly string[]>>;

/** Nested translation resources: language -> namespace -> keys. */
export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Reads every `locales/<lang>/<ns>.json`; a JSON syntax error names the file. */
export function readLocales(dir: string): Resources {
  const resources: Resources = {};
  for (const lang of readdirSync(dir).sort()) {
    const langDir = path.join(dir, lang);
    if (!statSync(langDir).isDirectory()) continue;
    resources[lang] = {};
    for (const f of readdirSync(langDir).filter((x) => x.endsWith('.json'))) {
      const file = path.join(langDir, f);
      try {
        resources[lang][f.slice(0, -5)] = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new DefinitionError([{ file, path: '', message: `not valid JSON: ${(err as Error).message}` }]);
      }
    }
  }
  return resources;
}

/** Flattens nested keys to `a.b.c` -> string. */
export function flatten(tree: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

/** Translations for the bot: one i18next instance, a `t` per language. */
/**
 * A language's translate function: a key (and its interpolation values) to the text. Our own type,
 * not i18next's `TFunction`, so that callers do not depend on i18next's typing from one major to the next.
 */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

export class Translations {
  readonly languages: string[];
  private readonly i18n: i18n;
  private readonly fixed = new Map<string, Translate>();

  readonly resources: Resources;

  constructor(resources: Resources) {
    this.resources = resources;
    this.languages = Object.keys(resources);
    this.i18n = createInstance();
    void this.i18n.init({
      resources,
      lng: REFERENCE_LANGUAGE,
      fallbackLng: REFERENCE_LANGUAGE,
      supportedLngs: this.languages,
      ns: [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))],
      defaultNS: BOT_NS,
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
  }

  /** The translate function of a language (the reference language when unknown). */
  t(lang: string | undefined): Translate {
    const lng = lang && this.languages.includes(lang) ? lang : REFERENCE_LANGUAGE;
    let t = this.fixed.get(lng);
    if (!t) {
      const fixed = this.i18n.getFixedT(lng);
      t = (key, params) => String(fixed(key, params as never));
      this.fixed.set(lng, t);
    }
    return t;
  }

  /** Whether a key exists (in the reference language). */
  has(key: string, ns = BOT_NS): boolean {
    return this.i18n.exists(key, { lng: REFERENCE_LANGUAGE, ns, fallbackLng: false } as never);
  }

  /** A key's raw string in one language, without fallback; undefined when absent. */
  raw(lang: string, key: string, ns = BOT_NS): string | undefined {
    const v = this.i18n.getResource(lang, ns, key);
    return typeof v === 'string' ? v : undefined;
  }
}
