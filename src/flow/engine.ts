/**
 * The flow engine: one pure function from (flows, state, input) to (state, output, effects).
 * No I/O, no SDK, no clock: the conversation layer does all of that around it.
 */
import { evaluate } from '../rules/condition.ts';
import { choiceIds, DONE, interpret, type Lexicon, SKIP } from './interpret.ts';
import type { Effect, FlowNode, FlowSet, Input, Out, SessionState, Target } from './types.ts';

/** Raised when a flow misbehaves at run time (the meaning checks should make this unreachable). */
export class FlowRuntimeError extends Error {
  readonly at: Target;

  constructor(
    at: Target,
    message: string,
  ) {
    super(`flow ${at.flow}, node ${at.node}: ${message}`);
    this.at = at;
    this.name = 'FlowRuntimeError';
  }
}

/** The flow that takes a message for staff in the user's own words, when it exists. */
export const MESSAGE_FLOW = 'message';
/** The choice id that opens it. */
export const LEAVE_MESSAGE = 'leave_message';
/** Unusable answers in a row before the bot offers it. */
export const MISSES_BEFORE_OFFER = 2;

/** A loop guard: no conversation needs this many nodes between two answers. */
const MAX_HOPS = 200;

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
    return { state: run(flows, { ...state, misses: 0 }, target, out, effects), out, effects };
  }
  const def = flows.dictionary[node.ask]!;

  // A multi-select answered one tap at a time (LINE and Telegram buttons send one id): each tap is
  // added and the question asked again, until "done".
  if (def.type === 'multi' && input.type === 'choice' && input.ids.length === 1 && input.ids[0] !== SKIP) {
    const id = input.ids[0]!;
    const picking = state.picking ?? [];
    if (id !== DONE && choiceIds(def).includes(id)) {
      const picked = [...new Set([...picking, id])];
      out.push({ kind: 'picked', key: node.ask, ids: picked });
      speak(node, out, { picked });
      return { state: { ...state, misses: 0, picking: picked }, out, effects };
    }
    if (id === DONE) input = picking.length ? { type: 'choice', ids: picking } : { type: 'choice', ids: [SKIP] };
  }
  const result = interpret(node.ask, def, node.required, input, lexicon, state.lang);

  if (result.kind === 'miss') {
    // Someone who cannot find the right button twice may write to staff in their own words instead.
    const misses = state.misses + 1;
    const offer = misses >= MISSES_BEFORE_OFFER && flows.flows.has(MESSAGE_FLOW);
    out.push({ kind: 'miss', reason: result.reason });
    if (offer) out.push({ kind: 'say', key: 'miss.offer_message' });
    speak(node, out, { offerMessage: offer });
    return { state: { ...state, misses }, out, effects };
  }

  const { picking: _done, ...rest } = state;
  const next: SessionState = { ...rest, misses: 0, answers: { ...state.answers }, skipped: state.skipped.filter((k) => k !== node.ask) };
  if (result.kind === 'answer') {
    next.answers[node.ask] = result.value;
    if (node.ask === 'lang' && typeof result.value === 'string') next.lang = result.value;
  } else {
    delete next.answers[node.ask];
    next.skipped.push(node.ask);
  }
  return { state: run(flows, next, exit(node, next, here), out, effects), out, effects };
}

/** Walks from `target` until a node waits for the user or the conversation ends. */
function run(flows: FlowSet, state: SessionState, target: Target, out: Out[], effects: Effect[]): SessionState {
  let at = target;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const node = nodeAt(flows, at);
    const passBy =
      (node.onlyIf && !evaluate(node.onlyIf, { answers: state.answers })) ||
      (node.ask !== undefined && node.skipIfAnswered && state.answers[node.ask] !== undefined);
    if (!passBy) {
      if (Object.keys(node.set).length) state = { ...state, answers: { ...state.answers, ...node.set } };
      speak(node, out, { withoutQuestion: true });
      for (const action of node.do) {
        if (action === 'create_ticket') effects.push({ type: 'create_ticket' });
      }
      if (node.ask) {
        out.push({ kind: 'ask', key: node.ask, required: node.required });
        return { ...state, flow: at.flow, node: at.node };
      }
      if (node.end) {
        effects.push({ type: 'end' });
        return { ...state, flow: at.flow, node: at.node, ended: true };
      }
    }
    at = exit(node, state, at);
  }
  throw new FlowRuntimeError(at, `more than ${MAX_HOPS} nodes without waiting for the user`);
}

/** The lines a node says, then (for a re-ask) its question. */
function speak(node: FlowNode, out: Out[], opts: { withoutQuestion?: boolean; offerMessage?: boolean; picked?: string[] } = {}): void {
  for (const item of node.say) out.push('text' in item ? { kind: 'say', key: item.text } : { kind: 'show', block: item.show });
  if (!opts.withoutQuestion && node.ask) {
    out.push({ kind: 'ask', key: node.ask, required: node.required, ...(opts.offerMessage ? { offerMessage: true } : {}), ...(opts.picked ? { picked: opts.picked } : {}) });
  }
}

function isLeaveMessage(input: Input): boolean {
  return input.type === 'choice' && input.ids.length === 1 && input.ids[0] === LEAVE_MESSAGE;
}

/** The first branch whose condition holds; validation guarantees the last one always does. */
function exit(node: FlowNode, state: SessionState, at: Target): Target {
  const branch = node.next.find((b) => !b.when || evaluate(b.when, { answers: state.answers }));
  if (!branch) throw new FlowRuntimeError(at, 'no branch of next matched');
  return branch.goto;
}

function nodeAt(flows: FlowSet, t: Target): FlowNode {
  const node = flows.flows.get(t.flow)?.nodes.get(t.node);
  if (!node) throw new FlowRuntimeError(t, 'no such node (the flows changed under a live conversation?)');
  return node;
}

/** The current question again (after help, a language change, or input that changed nothing). */
export function reask(flows: FlowSet, state: SessionState): Out[] {
  const node = flows.flows.get(state.flow)?.nodes.get(state.node);
  if (!node?.ask || state.ended) return [];
  const out: Out[] = [];
  speak(node, out);
  return out;
}
