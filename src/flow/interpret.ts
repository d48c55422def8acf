/**
 * Turns a user's input into an answer for the key being asked, or says why it cannot. Pure: free
 * text is read through a {@link Lexicon} built from the locales, and this file decides what the
 * words found mean for the question (negation and "don't know" win over a polite "yes").
 */
import type { AnswerValue, Input, KeyDef, Miss } from './types.ts';

/** The choice id that means "skip this question". */
export const SKIP = 'skip';
/** The choice id that closes a multi-select answered one tap at a time. */
export const DONE = 'done';

/** The choice ids that confirm or reject a story's proposal that is not one of a key's values (a list, a number, words). */
export const RIGHT = 'right';
export const WRONG = 'wrong';

/** Whether a story's proposal for a key is confirmed or corrected by tapping one of the key's values (else: right / wrong). */
export function correctsByValue(def: KeyDef): boolean {
  return def.type === 'yesno' || def.type === 'choice';
}

/** Yes/no questions take these values (the dictionary's `yesno`). */
export const YESNO_VALUES = ['yes', 'no', 'unsure'] as const;

/** The locale prefix of words that answer one question only: `match.key.<key>.<value>`. */
export const KEY_PREFIX = 'key';

/** The locale prefix of the yes/no words, which also answer keys that read as yes/no (age_group). */
export const YESNO_PREFIX = 'value.yesno';

/** What a typed message says, found by reading all of it (not only its first word). */
export interface Reading {
  /** The choice ids the words name, each once, in the order of their last mention. */
  ids: string[];
  /** Numbers written in the message, in any script's digits. */
  numbers: number[];
  /** The message holds only fillers, polite particles or pronouns ("ครับ", "嗯", "dạ"): no answer. */
  fillerOnly: boolean;
  /** Some words are neither an answer, a filler nor a separator. */
  rest: boolean;
}

/** Reads typed words as choice ids ("ใช่" -> yes, "Cambodia" -> KH), from per-language data. */
export interface Lexicon {
  /**
   * The id among `ids` that `text` names: the whole message as a label or synonym, or else the one
   * id a reading of it finds. With `whole`, only the whole message counts.
   */
  match(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined, opts?: { whole?: boolean }): string | undefined;
  /** Reads the whole message for the words of `ids` (labels under `labelPrefix` and their synonyms). */
  read(text: string, ids: readonly string[], labelPrefix: string, lang: string | undefined): Reading;
}

/** How a typed answer was understood: `clear` when nothing else in the message pulls another way. */
export interface Typed {
  clear: boolean;
}

/** What an input meant for the question. */
export type Interpretation =
  | { kind: 'answer'; value: AnswerValue; typed?: Typed }
  | { kind: 'skip' }
  /** Typed items of a multi-select: shown back and kept open for more, never stored silently. */
  | { kind: 'pick'; ids: string[] }
  | { kind: 'miss'; reason: Miss };

/** The choice ids a key offers, without skip. */
export function choiceIds(def: KeyDef): readonly string[] {
  if (def.type === 'yesno') return YESNO_VALUES;
  return def.values ?? [];
}

/** The locale prefix of a key's value labels. */
export function labelPrefix(key: string, def: KeyDef): string {
  return def.labels ?? (def.type === 'yesno' ? YESNO_PREFIX : `value.${key}`);
}

/** Whether typed answers to a key are read back for a tap before they count as settled. */
export function confirmsTyped(def: KeyDef): boolean {
  return def.confirm === true || def.consent === true;
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
      // "no", "ไม่มี", "不知道" alone where a photo or a place is asked: nothing to give, so a skip
      // (it was "not the kind of answer", or stored as the place "no").
      if ((def.type === 'media' || def.type === 'location') && ['no', 'unsure'].includes(lexicon.match(text, YESNO_VALUES, YESNO_PREFIX, lang, { whole: true }) ?? '')) return skip();
      switch (def.type) {
        case 'text':
          return { kind: 'answer', value: text };
        case 'location':
          return { kind: 'answer', value: { text } };
        case 'media':
          return { kind: 'miss', reason: 'wrong_type' };
        case 'number':
          return readNumber(text, def, lexicon, lang);
        case 'multi':
          return readMulti(text, ids, prefix, lexicon, lang);
        default:
          return readChoice(key, text, def, ids, prefix, lexicon, lang);
      }
    }
  }
}

/**
 * A typed number, read as the lexicon reads numbers (digits of every script, "二十五岁"): the one
 * number in range, so "he is 25, went in 2023" is 25. Two different numbers in range ("5 ขวบ 6
 * เดือน", "2 or 3") are asked for again, one number, rather than guessed: their digits were once run together (56).
 */
function readNumber(text: string, def: KeyDef, lexicon: Lexicon, lang: string | undefined): Interpretation {
  const numbers = lexicon.read(text, [], KEY_PREFIX, lang).numbers;
  if (!numbers.length) return { kind: 'miss', reason: 'not_a_number' };
  const fits = [...new Set(numbers.filter((n) => (def.min === undefined || n >= def.min) && (def.max === undefined || n <= def.max)))];
  if (fits.length === 1) return { kind: 'answer', value: fits[0]! };
  return { kind: 'miss', reason: fits.length ? 'one_number' : 'out_of_range' };
}

/** The numbers of buttons ("1", "2, 3"), when the message is nothing else. */
function buttonNumbers(text: string, ids: readonly string[]): string[] | undefined {
  const digits = asciiDigits(text).trim();
  if (!/^\d{1,2}([\s,;、，]+\d{1,2})*$/.test(digits)) return undefined;
  const picked = digits.split(/[\s,;、，]+/).map((d) => ids[Number(d) - 1]);
  return picked.every((p) => p !== undefined) ? (picked as string[]) : undefined;
}

/**
 * A typed multi-select: every item the words name, whatever separates them ("อาหาร ที่พัก",
 * "看病和回家", "ဆေးကုသမှု၊ အိမ်ပြန်ရန်"). The items are shown back with the question kept open, so an
 * item the words did not name is never dropped without the person seeing it.
 */
function readMulti(text: string, ids: readonly string[], prefix: string, lexicon: Lexicon, lang: string | undefined): Interpretation {
  const numbered = buttonNumbers(text, ids);
  if (numbered) return { kind: 'pick', ids: [...new Set(numbered)] };
  const reading = lexicon.read(text, ids, prefix, lang);
  if (reading.ids.length) return { kind: 'pick', ids: reading.ids };
  return { kind: 'miss', reason: reading.fillerOnly ? 'not_an_answer' : 'unknown_choice' };
}

/** Yes/no meanings, most cautious first: "don't know" wins over "no", and "no" over "yes". */
const CAUTION = ['unsure', 'no', 'yes'] as const;

/** How a key's values stand for yes, no and unsure, when it reads as a yes/no question. */
function yesnoValues(def: KeyDef, ids: readonly string[]): Partial<Record<(typeof CAUTION)[number], string>> | undefined {
  if (def.type === 'yesno') return { yes: 'yes', no: 'no', unsure: 'unsure' };
  if (def.yesno) return { yes: def.yesno[0], no: def.yesno[1], ...(def.yesno[2] ? { unsure: def.yesno[2] } : {}) };
  // A yes/no choice without "unsure" (consent): "not sure" is not a yes.
  if (ids.length === 2 && ids.includes('yes') && ids.includes('no')) return { yes: 'yes', no: 'no', unsure: 'no' };
  return undefined;
}

/** A typed answer to a choice or yes/no question, read whole. */
function readChoice(key: string, text: string, def: KeyDef, ids: readonly string[], prefix: string, lexicon: Lexicon, lang: string | undefined): Interpretation {
  const answer = (value: string, clear: boolean): Interpretation => {
    // A typed consent is only ever taken from a clear yes: anything less is a no until confirmed.
    if (def.consent && !clear && ids.includes('no')) return { kind: 'answer', value: 'no', typed: { clear: false } };
    return { kind: 'answer', value, typed: { clear } };
  };
  // The whole message as a label or synonym ("Yes, under 18", "ไม่แน่ใจ"), or a button's number.
  const whole = lexicon.match(text, ids, prefix, lang, { whole: true });
  if (whole) return answer(whole, true);
  const numbered = buttonNumbers(text, ids);
  if (numbered?.length === 1) return answer(numbered[0]!, true);

  const own = lexicon.read(text, ids, prefix, lang);
  const yn = yesnoValues(def, ids);
  const words = yn && (prefix !== YESNO_PREFIX || ids.length < YESNO_VALUES.length) ? lexicon.read(text, YESNO_VALUES, YESNO_PREFIX, lang) : undefined;
  // Words that answer this question only (`match.key.<key>.<value>`: "took my passport", "ถูกขัง").
  const phrases = yn ? lexicon.read(text, ids, `${KEY_PREFIX}.${key}`, lang) : undefined;

  // A typed age answers "are you under 18?": "15", "15 ปี", "១៥ ឆ្នាំ", "16岁".
  const ages = own.numbers.filter((n) => n <= 120);
  if (def.age && ages.length === 1) {
    const value = ages[0]! < def.age.under ? def.age.below : def.age.from;
    return answer(value, own.ids.length === 0 && !own.rest);
  }

  if (yn) {
    const found = new Set<string>();
    for (const id of [...own.ids, ...(phrases?.ids ?? [])]) {
      // A value stands for the meaning of its own name first (consent's "no" is no, not "unsure").
      const meaning = CAUTION.find((m) => m === id && yn[m] === id) ?? CAUTION.find((m) => yn[m] === id);
      if (meaning) found.add(meaning);
    }
    for (const id of words?.ids ?? []) found.add(id);
    const meaning = CAUTION.find((m) => found.has(m));
    // Clear when one meaning was found and every word was read, by the labels or the yes/no words.
    const allRead = [own, words, phrases].some((r) => r !== undefined && !r.rest);
    if (meaning && yn[meaning]) return answer(yn[meaning]!, found.size === 1 && allRead);
    return { kind: 'miss', reason: own.fillerOnly ? 'not_an_answer' : 'unknown_choice' };
  }

  // Several names ("from Myanmar, now in Thailand"): the last one, read back as unsure.
  const last = own.ids.at(-1);
  if (last) return answer(last, own.ids.length === 1 && !own.rest);
  return { kind: 'miss', reason: own.fillerOnly ? 'not_an_answer' : 'unknown_choice' };
}
