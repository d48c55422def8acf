/**
 * The flow engine: one pure function from (flows, state, input) to (state, output, effects).
 * No I/O, no SDK, no clock: the conversation layer does all of that around it.
 */
import { impliedAnswers } from './implies.ts';
import { choiceIds, confirmsTyped, DONE, interpret, type Lexicon, SKIP } from './interpret.ts';
import { readBackStep } from './read-back.ts';
import type { Answers, Effect, FlowNode, FlowSet, Input, Out, Proposal, ReadBack, SessionState, StepResult, Target } from './types.ts';
import { FlowRuntimeError, leave, marked, nodeAt, readBackOut, run, settle, speak, takeDue, urgent } from './walk.ts';

export { DANGER_FLOW, FlowRuntimeError } from './walk.ts';

/** The flow that takes a message for staff in the user's own words, when it exists. */
export const MESSAGE_FLOW = 'message';
/** The choice id that opens it. */
export const LEAVE_MESSAGE = 'leave_message';
/** Unusable answers in a row before the bot offers it. */
export const MISSES_BEFORE_OFFER = 2;

/** A fresh conversation state at the entry flow, keeping what is already known (such as the language). */
export function initialState(flows: FlowSet, known: { lang?: string } = {}): SessionState {
  const entry = flows.flows.get(flows.entry)!;
  return {
    v: 1,
    flow: entry.id,
    node: entry.start,
    ...(known.lang ? { lang: known.lang } : {}),
    answers: known.lang ? { lang: known.lang } : {},
    skipped: [],
    misses: 0,
    ended: false,
  };
}

/**
 * Steps a conversation. A `start` input, a missing state or an ended one begins again at the entry
 * flow; otherwise the input answers the question the state waits at.
 */
export function step(flows: FlowSet, state: SessionState | undefined, given: Input, lexicon: Lexicon): {
  state: SessionState;
  out: Out[];
  effects: Effect[];
} {
  const out: Out[] = [];
  const effects: Effect[] = [];
  let input = given;

  if (!state || state.ended || input.type === 'start') {
    const fresh = initialState(flows, state?.lang ? { lang: state.lang } : {});
    return { state: run(flows, fresh, { flow: fresh.flow, node: fresh.node }, out, effects), out, effects };
  }

  const here: Target = { flow: state.flow, node: state.node };
  const node = nodeAt(flows, here);
  if (!node.ask) throw new FlowRuntimeError(here, 'the state waits at a node that asks nothing');
  if (isLeaveMessage(input) && state.misses >= MISSES_BEFORE_OFFER && flows.flows.has(MESSAGE_FLOW)) {
    const target = { flow: MESSAGE_FLOW, node: flows.flows.get(MESSAGE_FLOW)!.start };
    return { state: run(flows, { ...settle(withPicked(flows, state, node.ask)), misses: 0 }, target, out, effects), out, effects };
  }
  if (state.confirming) return { state: readBackStep(flows, state, input, lexicon, out, effects), out, effects };
  const def = flows.dictionary[node.ask]!;

  // A multi-select answered one tap at a time (LINE and Telegram buttons send one id): each tap is
  // added and the question asked again, until "done".
  if (def.type === 'multi' && input.type === 'choice' && input.ids.length === 1 && input.ids[0] !== SKIP) {
    const id = input.ids[0]!;
    const picking = state.picking ?? [];
    // "Ask me one by one" answers at once, with whatever was picked before it.
    if (def.alone?.includes(id)) input = { type: 'choice', ids: [...new Set([...picking, id])] };
    else if (id !== DONE && choiceIds(def).includes(id)) {
      const picked = [...new Set([...picking, id])];
      out.push({ kind: 'picked', key: node.ask, ids: picked });
      speak(node, out, { picked });
      return { state: { ...state, misses: 0, picking: picked }, out, effects };
    }
    else if (id === DONE) input = picking.length ? { type: 'choice', ids: picking } : { type: 'choice', ids: [SKIP] };
  }
  let result = interpret(node.ask, def, node.required, input, lexicon, state.lang);
  // A skip once items are tapped (an older message's button, or the word typed) is "done": what
  // was tapped is never dropped.
  if (result.kind === 'skip' && def.type === 'multi' && state.picking?.length) result = { kind: 'answer', value: state.picking };

  // Typed items of a multi-select are shown back, and the question stays open for more or "done".
  if (result.kind === 'pick') {
    const picked = [...new Set([...(state.picking ?? []), ...result.ids])];
    out.push({ kind: 'picked', key: node.ask, ids: picked });
    speak(node, out, { picked });
    return { state: { ...state, misses: 0, picking: picked }, out, effects };
  }

  if (result.kind === 'miss') {
    // Someone who cannot find the right button twice may write to staff in their own words instead.
    const misses = state.misses + 1;
    const offer = misses >= MISSES_BEFORE_OFFER && flows.flows.has(MESSAGE_FLOW);
    out.push({ kind: 'miss', reason: result.reason });
    if (offer) out.push({ kind: 'say', key: 'miss.offer_message' });
    askAgain(node, state, out, { offerMessage: offer });
    return { state: { ...state, misses }, out, effects };
  }

  const { picking: _done, ...rest } = state;
  const next: SessionState = { ...rest, misses: 0, answers: { ...state.answers }, skipped: state.skipped.filter((k) => k !== node.ask) };
  next.typed = marked(state.typed, node.ask, result.kind === 'answer' && result.typed !== undefined);
  if (result.kind === 'answer') {
    next.answers[node.ask] = result.value;
    Object.assign(next.answers, impliedAnswers(def, result.value));
    if (node.ask === 'lang' && typeof result.value === 'string') next.lang = result.value;
    // Never store a guess silently: a typed answer that changes priority, routing or consent, and
    // any typed answer not read whole ("not what they promised" holds a "no" but says yes), is read
    // back with buttons, at once, or (on the way to the emergency numbers) right after them.
    if (result.typed && (confirmsTyped(def) || !result.typed.clear)) {
      const readBack: ReadBack = { key: node.ask, value: result.value, ...(result.typed.clear ? {} : { doubtful: true }), required: node.required, resume: 'next' };
      if (!urgent(next)) {
        next.confirming = readBack;
        out.push(readBackOut(readBack));
        return { state: next, out, effects };
      }
      next.confirmLater = [...(next.confirmLater ?? []).filter((c) => c.key !== node.ask), { ...readBack, resume: 'reask' }];
    }
  } else {
    delete next.answers[node.ask];
    next.skipped.push(node.ask);
  }
  const leaving = leave(node, next, here);
  return { state: run(flows, leaving.state, leaving.target, out, effects), out, effects };
}

/**
 * Interrupts a conversation at once (danger in the person's own words): records `set`, runs from
 * `target`, and keeps `resume` (the question to come back to) for the first node marked `resume`.
 * An ended conversation comes alive again; without `resume`, the flow's `next` goes on.
 */
export function divert(flows: FlowSet, state: SessionState, target: Target, opts: { set?: Answers; resume?: Target } = {}): StepResult {
  const out: Out[] = [];
  const effects: Effect[] = [];
  const { resume: _old, picking, ...rest } = state;
  const asked = flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
  const picks = picking?.length && asked ? { heldPicks: { key: asked, ids: picking } } : {};
  const next: SessionState = { ...heldBack(rest), ...picks, ended: false, misses: 0, answers: { ...state.answers, ...opts.set }, ...(opts.resume ? { resume: opts.resume } : {}) };
  return { state: run(flows, next, target, out, effects), out, effects };
}

/**
 * A read-back the person had not answered yet, kept for after the danger path instead of
 * standing in its way (a tap on "are you in danger?" was taken as the answer to "I understood:
 * Thailand", and refused): first among the held read-backs, or back among a story's proposals.
 */
function heldBack(state: SessionState): SessionState {
  const { confirming, ...rest } = state;
  if (!confirming) return state;
  if (confirming.proposed) return { ...rest, proposed: [{ key: confirming.key, value: confirming.value }, ...(state.proposed ?? [])] };
  return { ...rest, confirmLater: [{ ...confirming, resume: 'reask' }, ...(state.confirmLater ?? []).filter((c) => c.key !== confirming.key)] };
}

/**
 * A story told where a question was expected (the assist's `extract`, issue 13): its proposals are
 * read back at once, one at a time, and only what the person taps is stored. At a question that
 * takes words (a message to staff, what a witness saw) the words are its answer, stored first.
 * After the last proposal the question is passed when a proposal (or the words) answered it, and
 * asked otherwise. Proposals for keys already answered are dropped; while the emergency numbers
 * are still to come, the proposals wait for the first question after them.
 */
export function readStory(flows: FlowSet, state: SessionState, input: Extract<Input, { type: 'text' }>, proposals: Proposal[], lexicon: Lexicon): StepResult {
  const node = nodeAt(flows, { flow: state.flow, node: state.node });
  const key = node.ask;
  const def = key ? flows.dictionary[key] : undefined;
  if (!key || !def || state.ended || state.confirming) return step(flows, state, input, lexicon);
  let base: SessionState = { ...state, misses: 0 };
  if (def.type === 'text' || def.type === 'location') {
    const words = interpret(key, def, node.required, input, lexicon, state.lang);
    if (words.kind !== 'answer') return step(flows, withProposals(state, proposals), input, lexicon);
    base = { ...base, answers: { ...base.answers, [key]: words.value }, skipped: base.skipped.filter((k) => k !== key) };
  }
  const held = takeDue(withProposals(base, proposals));
  if (!held) return step(flows, withProposals(state, proposals), input, lexicon);
  return { state: held.state, out: [...held.lead, readBackOut(held.readBack)], effects: [] };
}

/** `state` with a story's proposals queued for read-back (those for keys already answered left out). */
export function withProposals(state: SessionState, proposals: Proposal[]): SessionState {
  const known = new Set((state.proposed ?? []).map((p) => p.key));
  const fresh = proposals.filter((p) => state.answers[p.key] === undefined && !known.has(p.key));
  const proposed = [...(state.proposed ?? []), ...fresh];
  return proposed.length ? { ...state, proposed } : state;
}

/** The items tapped so far in a multi-select stored as its answer (a person who turns to writing to staff keeps them). */
function withPicked(flows: FlowSet, state: SessionState, key: string): SessionState {
  const def = flows.dictionary[key];
  if (!state.picking?.length || def?.type !== 'multi') return state;
  const { picking, ...rest } = state;
  return { ...rest, answers: { ...state.answers, [key]: picking, ...impliedAnswers(def, picking) } };
}

function isLeaveMessage(input: Input): boolean {
  return input.type === 'choice' && input.ids.length === 1 && input.ids[0] === LEAVE_MESSAGE;
}

/** The key the conversation waits for an answer to: a read-back's, the language menu's, or the question's. */
export function waitingFor(flows: FlowSet, state: SessionState): string | undefined {
  if (state.confirming) return state.confirming.key;
  if (state.choosingLanguage) return 'lang';
  return flows.flows.get(state.flow)?.nodes.get(state.node)?.ask;
}

/** The current question again (after help, a language change, or input that changed nothing). */
export function reask(flows: FlowSet, state: SessionState): Out[] {
  const node = flows.flows.get(state.flow)?.nodes.get(state.node);
  if (!node?.ask || state.ended) return [];
  if (state.confirming) return [readBackOut(state.confirming)];
  const out: Out[] = [];
  askAgain(node, state, out);
  return out;
}

/**
 * The question at `node` again. A multi-select with items already tapped says so and offers the
 * rest with "done", as after a tap: asked afresh, it offered "skip", and that dropped what was tapped.
 */
function askAgain(node: FlowNode, state: SessionState, out: Out[], opts: { offerMessage?: boolean } = {}): void {
  const picked = node.ask && state.picking?.length ? state.picking : undefined;
  if (picked) out.push({ kind: 'picked', key: node.ask!, ids: picked });
  speak(node, out, { ...opts, ...(picked ? { picked } : {}) });
}