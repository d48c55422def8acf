/**
 * Stories into answers (issue 13 item 2): the model reads a story told in the person's own words
 * and proposes dictionary answers, each with the words it came from, and whether it sees danger.
 * Everything it returns is checked here against `flows/dictionary.yaml`: unknown keys and values
 * are dropped, as are proposals whose "words" are not in the story. Consent is never proposed: it
 * is asked, always.
 *
 * Wiring: src/conversation/story.ts calls {@link StoryExtractor.extract} on a message that is a
 * story, before the transaction; the flow engine (`readStory` in src/flow/engine.ts) reads the
 * proposals back one at a time in locale strings (never model text), stores only what the person
 * taps, and passes questions already answered. `danger: true` enters the danger path; the
 * deterministic danger checks run first and do not depend on this.
 */
import { z } from 'zod';
import type { AnswerValue, Dictionary, KeyDef } from '../flow/types.ts';
import type { LlmClient } from './llm-client.ts';
import { promptLanguage } from './prompt-language.ts';

/** Keys never taken from a story: consent and navigation are always asked and tapped. */
export const NEVER_EXTRACTED = ['lang', 'consent_share', 'consent_cross_border', 'contact_ok', 'confirm_send', 'menu', 'role'];

/** Key types a story can answer. */
const EXTRACTABLE: KeyDef['type'][] = ['yesno', 'choice', 'multi', 'text', 'number'];

/** One proposed answer: the dictionary key, its value, and the person's words it rests on. */
export interface Proposal {
  key: string;
  value: AnswerValue;
  evidence: string;
}

/** What a story gave. */
export interface Extraction {
  proposals: Proposal[];
  /** The model read immediate danger to life or body in the story. */
  danger: boolean;
}

/** The shape the model must answer in (sent as its JSON schema): loose, so that checking is ours. */
const modelAnswer = z.strictObject({
  answers: z
    .array(z.strictObject({ key: z.string().max(60), value: z.union([z.string().max(500), z.array(z.string().max(60)).max(20)]), evidence: z.string().max(500) }))
    .max(40),
  danger: z.boolean(),
});

/** The dictionary keys a story may answer, with what each accepts. */
export function extractableKeys(dictionary: Dictionary): [string, KeyDef][] {
  return Object.entries(dictionary).filter(([key, def]) => !NEVER_EXTRACTED.includes(key) && EXTRACTABLE.includes(def.type) && def.summary !== false);
}

const YESNO = ['yes', 'no', 'unsure'];

/** A model's value checked against a key's definition; undefined when it does not fit. */
export function checkValue(def: KeyDef, value: string | string[]): AnswerValue | undefined {
  switch (def.type) {
    case 'yesno':
      return typeof value === 'string' && YESNO.includes(value) ? value : undefined;
    case 'choice':
      return typeof value === 'string' && def.values?.includes(value) ? value : undefined;
    case 'multi': {
      const list = (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => def.values?.includes(v));
      return list.length ? [...new Set(list)] : undefined;
    }
    case 'number': {
      const n = typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n) || (def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) return undefined;
      return String(n);
    }
    case 'text':
      return typeof value === 'string' && value.trim() ? value.trim().slice(0, 500) : undefined;
    default:
      return undefined;
  }
}

/** Spaces and case do not matter when looking for the person's words in their story. */
const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The model's answer checked against the dictionary and the story: unknown keys or values, keys
 * never extracted, keys already answered and proposals without the person's words are dropped;
 * one proposal per key (the first).
 */
export function checkExtraction(raw: z.infer<typeof modelAnswer>, dictionary: Dictionary, story: string, answered: string[] = []): Extraction {
  const allowed = new Map(extractableKeys(dictionary));
  const text = squash(story);
  const seen = new Set<string>();
  const proposals: Proposal[] = [];
  for (const a of raw.answers) {
    const def = allowed.get(a.key);
    if (!def || seen.has(a.key) || answered.includes(a.key)) continue;
    const evidence = a.evidence.trim();
    // The person's own words, at least two characters of them (one letter is in every story).
    if (evidence.length < 2 || !text.includes(squash(evidence))) continue;
    const value = checkValue(def, a.value);
    if (value === undefined) continue;
    seen.add(a.key);
    proposals.push({ key: a.key, value, evidence });
  }
  return { proposals, danger: raw.danger };
}

/** The `extract` feature over the shared client. */
export class StoryExtractor {
  private readonly llm: LlmClient;
  private readonly dictionary: Dictionary;

  constructor(llm: LlmClient, dictionary: Dictionary) {
    this.llm = llm;
    this.dictionary = dictionary;
  }

  /** True when a story would be sent now. */
  get enabled(): boolean {
    return this.llm.enabled('extract');
  }

  /** The instructions: the keys, their values and what they mean, nothing of the conversation. */
  private instructions(lang: string | undefined): string {
    const keys = extractableKeys(this.dictionary).map(([key, def]) => {
      const values = def.type === 'yesno' ? YESNO : def.values;
      return `- ${key} (${def.type}${values ? `: ${values.join(' | ')}` : ''})`;
    });
    return [
      `You read the story of a person who contacted an anti-trafficking hotline${lang ? `, written in ${promptLanguage(lang)}` : ''}.`,
      'Fill in only the keys that the story clearly answers; leave out everything it does not say. Never guess.',
      'For each answer give "evidence": the exact words of the story it rests on, copied unchanged.',
      'Countries are ISO codes (TH, KH, MM, LA, VN, MY, CN) or OTHER. age_group is child when the person at risk is under 18.',
      'Keep placeholders like [[NAME_1]] exactly as they are.',
      'Set "danger" to true only if the story says the person is in immediate danger to life or body now.',
      'Keys:',
      ...keys,
    ].join('\n');
  }

  /**
   * The proposals a story gives, or undefined (feature off or paused, timeout, error, garbage):
   * the conversation then goes on with its questions.
   * @param sensitive the conversation's sensitive answers, redacted wherever they appear.
   * @param answered keys already answered, which are not proposed again.
   */
  async extract(story: string, opts: { lang?: string; sensitive?: string[]; answered?: string[] } = {}): Promise<Extraction | undefined> {
    const raw = await this.llm.structured({
      feature: 'extract',
      system: this.instructions(opts.lang),
      user: story,
      schemaName: 'story_answers',
      schema: modelAnswer,
      sensitive: opts.sensitive ?? [],
    });
    return raw && checkExtraction(raw, this.dictionary, story, opts.answered);
  }
}
