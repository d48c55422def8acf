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

/** The most texts kept per language before starting over (a bound on memory, never reached by the shipped locales' fixed texts). */
const MAX_KEPT_TEXTS = 20_000;

/** Interpolation values that may be kept with their text: numbers, flags, and i18next's `context`. */
function keepable(params: Record<string, unknown>): boolean {
  for (const name in params) {
    const value = params[name];
    const kind = typeof value;
    if (!(kind === 'undefined' || kind === 'number' || kind === 'boolean' || (kind === 'string' && name === 'context'))) return false;
  }
  return true;
}

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
      // Texts are fixed once loaded, so a text without a person's words in it is looked up once
      // (i18next took a tenth of the CPU of the webhook path). Texts with string values are not
      // kept: those can be what someone wrote, which must not outlive their erasure in memory.
      const texts = new Map<string, string>();
      t = (key, params) => {
        if (params !== undefined && !keepable(params)) return String(fixed(key, params as never));
        const id = params === undefined ? key : `${key}\u0000${JSON.stringify(params)}`;
        let text = texts.get(id);
        if (text === undefined) {
          text = String(fixed(key, params as never));
          if (texts.size >= MAX_KEPT_TEXTS) texts.clear();
          texts.set(id, text);
        }
        return text;
      };
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
