/**
 * Danger in the person's own words, at any step (issue 9): a message that says the person is in
 * danger now goes to the danger flow at once, whether it is the first message, an answer to a
 * question, a message to staff, or a message after the screening ended. And free text that describes
 * indicators records them, so that a message to staff is never filed as `unclear` when its words say
 * otherwise. The words are read by {@link SignalReader} (phrase data in the locales); the danger
 * path itself is data too (`flows/danger.flow.yaml`).
 */
import { DANGER_FLOW, divert, step } from '../flow/engine.ts';
import type { Lexicon } from '../flow/interpret.ts';
import type { Answers, FlowSet, Input, Out, SessionState, StepResult, Target } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import { valueText } from './render.ts';
import { type Reading, SignalReader } from '../i18n/signals.ts';
import type { TicketRecord } from '../store/store.ts';

/** Key types whose answer is the person's own words: the text is stored first, then the danger path. */
const WORDS = new Set(['text', 'location']);

/** The entry flow's questions that come before the menu, which the danger path answers itself. */
const BEFORE_THE_MENU = new Set(['lang', 'in_danger_now', 'current_country']);

/** What the conversation layer needs from a turn that went down the danger path. */
export interface Diversion extends StepResult {
  /** The open case that a message after the screening belongs to; it gets the new urgency. */
  ticket?: TicketRecord;
}

/** Reads messages for danger and indicators, and sends the conversation down the danger path. */
export class Distress {
  readonly reader: SignalReader;

  private readonly flows: FlowSet;
  private readonly translations: Translations;

  constructor(
    flows: FlowSet,
    translations: Translations,
  ) {
    this.flows = flows;
    this.translations = translations;
    this.reader = new SignalReader(translations);
  }

  /**
   * Whether `text` says the person is in danger now and should go down the danger path. Not at the
   * danger flow's own questions, where the words answer the question instead (the engine reads them).
   */
  says(text: string, state: SessionState | undefined): boolean {
    if (!this.flows.flows.has(DANGER_FLOW)) return false;
    if (state && !state.ended && state.flow === DANGER_FLOW) return false;
    return this.reader.read(text).danger;
  }

  /**
   * At the danger path's own confirm ("are you in danger right now?"), words that say so are a yes:
   * "help me, they are coming" must never get "Sorry, I did not understand".
   */
  asAnswer(state: SessionState | undefined, input: Input): Input {
    if (input.type !== 'text' || !state || state.ended || state.flow !== DANGER_FLOW) return input;
    const asked = this.flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
    return asked === 'in_danger_now' && this.reader.read(input.text).danger ? { type: 'choice', ids: ['yes'] } : input;
  }

  /**
   * The danger path from where the conversation is. `state` is the stored one (maybe ended);
   * `fresh` is the new conversation the pipeline would start; `open` the person's open case.
   */
  divert(state: SessionState | undefined, fresh: SessionState, input: Extract<Input, { type: 'text' }>, lexicon: Lexicon, open?: TicketRecord): Diversion {
    const set: Answers = { in_danger_now: 'yes' };
    const reading = this.reader.read(input.text);
    // A conversation in progress: words at a question that takes words are its answer, kept.
    if (state && !state.ended) {
      // Danger wins over a language menu that was open.
      let from: SessionState = { ...state, choosingLanguage: false };
      const asked = this.flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
      const def = asked ? this.flows.dictionary[asked] : undefined;
      if (def && WORDS.has(def.type)) from = step(this.flows, from, input, lexicon).state;
      const withSigns = { ...from, answers: { ...from.answers, ...this.unanswered(from.answers, reading) } };
      // Back to the question the person was at after the danger path; but not to the entry flow's
      // questions that the danger path has just answered (language, danger, country): the welcome
      // and the menu follow instead.
      const resume: Target | undefined = from.ended || this.answeredByDangerPath(from) ? undefined : { flow: from.flow, node: from.node };
      return divert(this.flows, withSigns, { flow: DANGER_FLOW, node: this.start() }, { set, ...(resume ? { resume } : {}) });
    }
    // After the screening, with an open case: that case gets the danger, and the chat ends again.
    if (state?.ended && open) {
      const base: SessionState = { ...state, answers: { ...open.answers }, ticketRef: open.ref };
      const result = divert(this.flows, base, { flow: DANGER_FLOW, node: this.start() }, { set, resume: { flow: state.flow, node: state.node } });
      return { ...result, ticket: open };
    }
    // A new conversation: in the language of the words when nothing else told it, or when the only
    // sign was Latin letters ("cuu toi voi, toi bi nhot" is Vietnamese written without accents).
    const worded = reading.languages[0];
    const lang = worded && (!fresh.lang || (fresh.lang === 'en' && !reading.languages.includes('en'))) ? worded : fresh.lang;
    const start: SessionState = lang ? { ...fresh, lang, answers: { ...fresh.answers, lang, ...this.unanswered(fresh.answers, reading) } } : { ...fresh, answers: { ...fresh.answers, ...this.unanswered(fresh.answers, reading) } };
    return divert(this.flows, start, { flow: DANGER_FLOW, node: this.start() }, { set });
  }

  /**
   * After a step that stored the person's own words for a key marked `signs` in the dictionary (a
   * message to staff, a witness's account; asked before consent): the indicators the words describe,
   * for the keys not answered yet, and a line that reads them back (never a silent guess; the
   * consent question reads everything back again). `before` is the state the step started from.
   */
  noteSigns(before: SessionState, input: Input, result: StepResult): { result: StepResult; noted?: string } {
    if (input.type !== 'text') return { result };
    const asked = this.flows.flows.get(before.flow)?.nodes.get(before.node)?.ask;
    if (!asked || !this.flows.dictionary[asked]?.signs || result.state.answers[asked] === undefined) return { result };
    const found = this.unanswered(result.state.answers, this.reader.read(input.text));
    if (!Object.keys(found).length) return { result };
    const state = { ...result.state, answers: { ...result.state.answers, ...found } };
    const out: Out[] = [{ kind: 'say', key: 'danger.noted' }, ...result.out];
    return { result: { ...result, state, out }, noted: this.noted(state, found) };
  }

  /**
   * A first message that already describes what happened ("hello, the agent keeps my passport"):
   * those answers are kept and read back before the first question, so that the screening does not
   * ask the person to tap what they already wrote.
   */
  noteFirst(input: Input, result: StepResult): { result: StepResult; noted?: string } {
    if (input.type !== 'text') return { result };
    const found = this.unanswered(result.state.answers, this.reader.read(input.text));
    if (!Object.keys(found).length) return { result };
    const state = { ...result.state, answers: { ...result.state.answers, ...found } };
    // Before the question's own words (the danger question comes last).
    const out = [...result.out];
    let ask = out.length - 1;
    while (ask >= 0 && out[ask]!.kind !== 'ask') ask--;
    const at = ask > 0 && out[ask - 1]!.kind === 'say' ? ask - 1 : out.length;
    out.splice(at, 0, { kind: 'say', key: 'danger.noted' });
    return { result: { ...result, state, out }, noted: this.noted(state, found) };
  }

  private noted(state: SessionState, found: Answers): string {
    const t = this.translations.t(state.lang);
    return Object.entries(found)
      .map(([k, v]) => `${t(`summary.label.${k}`)}: ${valueText(k, this.flows.dictionary[k]!, v!, t)}`)
      .join(', ');
  }

  /** The answers a reading gives for keys not answered yet (a person's tap always wins over words). */
  private unanswered(answers: Answers, reading: Reading): Answers {
    const out: Answers = {};
    for (const [key, value] of Object.entries(reading.answers)) if (answers[key] === undefined && this.flows.dictionary[key]) out[key] = value;
    return out;
  }

  private answeredByDangerPath(at: SessionState): boolean {
    const asked = this.flows.flows.get(at.flow)?.nodes.get(at.node)?.ask;
    return at.flow === this.flows.entry && (asked === undefined || BEFORE_THE_MENU.has(asked));
  }

  private start(): string {
    return this.flows.flows.get(DANGER_FLOW)!.start;
  }
}
