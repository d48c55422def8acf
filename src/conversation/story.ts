/**
 * Stories into answers (issue 13 item 2), the conversation's side. A person may answer "tell us
 * what happened" in their own words, or write a story where a question is expected. Such a message
 * is read by the assist's `extract` before the transaction (a model call must not hold it open);
 * the flow engine then reads its proposals back one at a time, in our own locale strings, and only
 * what the person taps is stored ({@link readStory} in src/flow/engine.ts).
 *
 * The deterministic checks come first and do not depend on the model: a message that the typed-
 * answer reader understands clearly, a command, or danger the distress matcher finds never goes to
 * the model. Off, paused, slow or failing, the model gives nothing and the step goes on as before.
 */
import { DANGER_FLOW } from '../flow/engine.ts';
import { impliedAnswers } from '../flow/implies.ts';
import { interpret, type Lexicon } from '../flow/interpret.ts';
import type { Answers, Dictionary, FlowSet, KeyDef, Proposal, SessionState, Target } from '../flow/types.ts';
import { type Extraction, NEVER_EXTRACTED } from '../llm/extract.ts';

/** The part of the assist's story extractor (src/llm/extract.ts) the conversation uses. */
export interface StoryReader {
  /** A story would be sent now (the feature is on and not paused). */
  readonly enabled: boolean;
  extract(story: string, opts?: { lang?: string; sensitive?: string[]; answered?: string[] }): Promise<Extraction | undefined>;
}

/** What the model made of a story, checked, for the question the conversation waited at. */
export interface StoryReading {
  /** Where the conversation waited: the reading counts only if it still waits there. */
  at: Target;
  /** What can be read back in our words, in dictionary order. */
  proposals: Proposal[];
  /** The model read immediate danger in the story. */
  danger: boolean;
}

/**
 * At a question that does not ask for a story, a message shorter than this (in characters) is an
 * answer the person can be asked again, not a story: "I don't know", "ไม่แน่ใจค่ะ".
 */
export const STORY_MIN_CHARS = 40;
/** At "tell us what happened" (its list, or a message in the person's own words), a short sentence will do. */
export const TOLD_MIN_CHARS = 15;

/**
 * Never proposed from a story: whether the person is in danger now is the model's `danger` flag,
 * which takes the danger path with its own question and numbers, never a read-back among others.
 */
const NOT_PROPOSED = new Set(['in_danger_now']);

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** A question that asks for the story itself: the "which of these happened?" lists, and the person's own words for staff. */
export function asksForStory(def: KeyDef): boolean {
  return (def.type === 'multi' && def.implies !== undefined) || def.signs === true;
}

/** Reads stories for the conversation. */
export class Stories {
  private readonly flows: FlowSet;
  private readonly lexicon: Lexicon;
  private readonly reader: StoryReader | undefined;

  constructor(flows: FlowSet, lexicon: Lexicon, reader?: StoryReader) {
    this.flows = flows;
    this.lexicon = lexicon;
    this.reader = reader;
  }

  /** True when stories may be read now. */
  get enabled(): boolean {
    return this.reader?.enabled === true;
  }

  /**
   * Whether `text`, at the question `state` waits at, is a story to read: at "tell us what
   * happened", a sentence; at another question, a long message the typed-answer reader does not
   * clearly understand. Never at the language, menu or consent questions, at a read-back, on the
   * danger path, or outside a conversation.
   */
  isStory(state: SessionState | undefined, text: string): state is SessionState {
    if (!state || state.ended || state.choosingLanguage || state.confirming || state.flow === DANGER_FLOW) return false;
    const key = this.flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
    const def = key ? this.flows.dictionary[key] : undefined;
    // Consent is asked and tapped, always: words at a consent question are never sent out.
    if (!key || !def || NEVER_EXTRACTED.includes(key) || def.consent) return false;
    const length = [...text.trim()].length;
    if (asksForStory(def)) return length >= TOLD_MIN_CHARS;
    if (length < STORY_MIN_CHARS) return false;
    const read = interpret(key, def, false, { type: 'text', text }, this.lexicon, state.lang);
    // A clear answer is an answer, however long; a miss, a guess or a typed list may be a story.
    return read.kind === 'miss' || read.kind === 'pick' || (read.kind === 'answer' && read.typed?.clear === false);
  }

  /** The model's reading of a story at `state`, or undefined (not a story, feature off, failure). */
  async read(state: SessionState | undefined, text: string): Promise<StoryReading | undefined> {
    if (!this.reader?.enabled || !this.isStory(state, text)) return undefined;
    const got = await this.reader.extract(text, { ...(state.lang ? { lang: state.lang } : {}), sensitive: sensitiveWords(this.flows.dictionary, state), answered: Object.keys(state.answers) }).catch(() => undefined);
    if (!got) return undefined;
    return { at: { flow: state.flow, node: state.node }, danger: got.danger, proposals: readable(this.flows.dictionary, got, text) };
  }
}

/**
 * A story's proposals with what the deterministic readers found in the same words (the phrase
 * reader of src/i18n/signals.ts, {@link ownReading}) added, for keys the model left out: the
 * deterministic reading is never lost to the model's. In dictionary order.
 */
export function withSigns(dictionary: Dictionary, proposals: Proposal[], signs: Answers): Proposal[] {
  const order = Object.keys(dictionary);
  const named = new Set(proposals.map((p) => p.key));
  const found = Object.entries(signs)
    .filter(([key, value]) => value !== undefined && !named.has(key) && !NOT_PROPOSED.has(key) && dictionary[key] !== undefined)
    .map(([key, value]) => ({ key, value: value! }));
  return [...proposals, ...found].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}

/**
 * What the typed-answer reader makes of the words for the question asked, as answers that can be
 * proposed with the model's: a typed list's items (by what they stand for, at "which of these
 * happened?"), or a choice it read without being sure. Never lost when the model is on.
 */
export function ownReading(flows: FlowSet, lexicon: Lexicon, state: SessionState, text: string): Answers {
  const key = flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
  const def = key ? flows.dictionary[key] : undefined;
  if (!key || !def) return {};
  const read = interpret(key, def, false, { type: 'text', text }, lexicon, state.lang);
  if (read.kind === 'pick') return def.implies ? impliedAnswers(def, read.ids) : { [key]: read.ids };
  if (read.kind === 'answer' && typeof read.value === 'string' && (def.type === 'choice' || def.type === 'yesno') && !NEVER_EXTRACTED.includes(key)) return { [key]: read.value };
  return {};
}

/** The conversation's sensitive answers (a missing person's name, a place), redacted wherever they appear. */
function sensitiveWords(dictionary: Dictionary, state: SessionState): string[] {
  const words: string[] = [];
  for (const [key, value] of Object.entries(state.answers)) {
    if (!dictionary[key]?.sensitive || value === undefined) continue;
    if (typeof value === 'string') words.push(value);
    else if (!Array.isArray(value) && typeof value === 'object' && value.text) words.push(value.text);
  }
  return words;
}

/**
 * The proposals the bot can read back in its own words: values of the dictionary (labels from
 * our locales), numbers, and words only when they are the person's own words, copied from the
 * story. In dictionary order, which is the order the summary reads answers back in.
 */
function readable(dictionary: Dictionary, got: Extraction, story: string): Proposal[] {
  const order = Object.keys(dictionary);
  const text = squash(story);
  return got.proposals
    .filter((p) => !NOT_PROPOSED.has(p.key) && dictionary[p.key] !== undefined)
    .filter((p) => dictionary[p.key]!.type !== 'text' || (typeof p.value === 'string' && text.includes(squash(p.value))))
    .sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key))
    // A number is stored as one, as a typed number is.
    .map(({ key, value }) => ({ key, value: dictionary[key]!.type === 'number' && typeof value === 'string' ? Number(value) : value }));
}
