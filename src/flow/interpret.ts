/**
 * Turns a user's input into an answer for the key being asked, or says why it cannot. Pure: free
 * text is matched through a {@link Lexicon} built from the locales.
 */
import type { AnswerValue, Input, KeyDef, Miss } from './types.ts';

/** The choice id that means "skip this question". */
export const SKIP = 'skip';
/** The choice id that closes a multi-select answered one tap at a time. */
export const DONE = 'done';

/** Yes/no questions take these values (the dictionary's `yesno`). */
export const YESNO_VALUES = ['yes', 'no', 'unsure'] as const;

/** Matches typed words to choice ids ("ใช่" -> yes, "Cambodia" -> KH). */
export interface Lexicon {
  /**
   * The id among `ids` that `text` names, or undefined. By default a word may be followed by more
   * ("ใช่ค่ะ", "yes please"); with `whole`, the message must be the word alone.
   */
  match(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined, opts?: { whole?: boolean }): string | undefined;
}

/** What an input meant for the question. */
export type Interpretation = { kind: 'answer'; value: AnswerValue } | { kind: 'skip' } | { kind: 'miss'; reason: Miss };

/** The choice ids a key offers, without skip. */
export function choiceIds(def: KeyDef): readonly string[] {
  if (def.type === 'yesno') return YESNO_VALUES;
  return def.values ?? [];
}

/** The locale prefix of a key's value labels. */
export function labelPrefix(key: string, def: KeyDef): string {
  return def.labels ?? (def.type === 'yesno' ? 'value.yesno' : `value.${key}`);
}

const DIGITS: Record<string, string> = Object.fromEntries(
  ['๐๑๒๓๔๕๖๗๘๙', '០១២៣៤៥៦៧៨៩', '၀၁၂၃၄၅၆၇၈၉', '໐໑໒໓໔໕໖໗໘໙', '０１２３４５６７８９'].flatMap((set) => [...set].map((d, i) => [d, String(i)])),
);

/** Replaces Thai, Khmer, Myanmar, Lao and full-width digits with ASCII ones. */
export function asciiDigits(text: string): string {
  return text.replace(/[๐-๙០-៩၀-၉໐-໙０-９]/g, (d) => DIGITS[d] ?? d);
}

/** Interprets `input` as an answer to `key`. */
export function interpret(key: string, def: KeyDef, required: boolean, input: Input, lexicon: Lexicon, lang: string | undefined): Interpretation {
  const ids = choiceIds(def);
  const prefix = labelPrefix(key, def);
  const skip = (): Interpretation => (required ? { kind: 'miss', reason: 'required' } : { kind: 'skip' });

  switch (input.type) {
    case 'start':
      return { kind: 'miss', reason: 'wrong_type' };
    case 'choice': {
      if (input.ids.length === 1 && input.ids[0] === SKIP) return skip();
      if (input.ids.length === 0) return { kind: 'miss', reason: 'empty' };
      if (!input.ids.every((id) => ids.includes(id))) return { kind: 'miss', reason: ids.length ? 'unknown_choice' : 'wrong_type' };
      if (def.type === 'multi') return { kind: 'answer', value: [...new Set(input.ids)] };
      if (input.ids.length !== 1) return { kind: 'miss', reason: 'unknown_choice' };
      return { kind: 'answer', value: input.ids[0]! };
    }
    case 'location':
      if (def.type !== 'location') return { kind: 'miss', reason: 'wrong_type' };
      return { kind: 'answer', value: { lat: input.lat, lon: input.lon, ...(input.text ? { text: input.text } : {}) } };
    case 'media':
      if (def.type !== 'media') return { kind: 'miss', reason: 'wrong_type' };
      return { kind: 'answer', value: [input.attachmentId] };
    case 'text': {
      const text = input.text.trim();
      if (!text) return { kind: 'miss', reason: 'empty' };
      // Skip only as the whole message: "ข้ามไปฝั่งพม่า" (crossed into Myanmar) is an answer.
      if (lexicon.match(text, [SKIP], 'choice', lang, { whole: true }) === SKIP) return skip();
      switch (def.type) {
        case 'text':
          return { kind: 'answer', value: text };
        case 'location':
          return { kind: 'answer', value: { text } };
        case 'media':
          return { kind: 'miss', reason: 'wrong_type' };
        case 'number': {
          const n = Number(asciiDigits(text).replace(/[^\d.]/g, ''));
          if (!/\d/.test(asciiDigits(text)) || !Number.isFinite(n)) return { kind: 'miss', reason: 'not_a_number' };
          if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) return { kind: 'miss', reason: 'out_of_range' };
          return { kind: 'answer', value: n };
        }
        case 'multi': {
          const picked = text.split(/[,;、，\n]+/).map((part) => matchOne(part.trim(), ids, prefix, lexicon, lang));
          if (picked.some((p) => p === undefined)) return { kind: 'miss', reason: 'unknown_choice' };
          return { kind: 'answer', value: [...new Set(picked as string[])] };
        }
        default: {
          const id = matchOne(text, ids, prefix, lexicon, lang);
          return id === undefined ? { kind: 'miss', reason: 'unknown_choice' } : { kind: 'answer', value: id };
        }
      }
    }
  }
}

/** A typed word, or the number of a button (1-based). */
function matchOne(text: string, ids: readonly string[], prefix: string, lexicon: Lexicon, lang: string | undefined): string | undefined {
  const digits = asciiDigits(text);
  if (/^\d{1,2}$/.test(digits)) return ids[Number(digits) - 1];
  if (ids.includes(text)) return text;
  return lexicon.match(text, ids, prefix, lang);
}
