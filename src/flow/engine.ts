/**
 * The flow engine: one pure function from (flows, state, input) to (state, output, effects).
 * No I/O, no SDK, no clock: the conversation layer does all of that around it.
 */
import { evaluate } from '../rules/condition.ts';
import { impliedAnswers } from './implies.ts';
import { choiceIds, confirmsTyped, correctsByValue, DONE, interpret, type Lexicon, RIGHT, SKIP, WRONG, YESNO_PREFIX } from './interpret.ts';
import type { Answers, Block, Effect, FlowNode, FlowSet, Input, Out, Proposal, ReadBack, SessionState, StepResult, Target } from './types.ts';

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
/** The flow a message that says the person is in danger goes to, from any step. */
export const DANGER_FLOW = 'danger';
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
    return { state: run(flows, { ...settle(state), misses: 0 }, target, out, effects), out, effects };
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
  const result = interpret(node.ask, def, node.required, input, lexicon, state.lang);

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
    speak(node, out, { offerMessage: offer });
    return { state: { ...state, misses }, out, effects };
  }

  const { picking: _done, ...rest } = state;
  const next: SessionState = { ...rest, misses: 0, answers: { ...state.answers }, skipped: state.skipped.filter((k) => k !== node.ask) };
  next.typed = marked(state.typed, node.ask, result.kind === 'answer' && result.typed !== undefined);
  if (result.kind === 'answer') {
    next.answers[node.ask] = result.value;
    Object.assign(next.answers, impliedAnswers(def, result.value));
    if (node.ask === 'lang' && typeof result.value === 'string') next.lang = result.value;
    // Never store a guess silently: a typed answer that changes priority, routing or consent is read
    // back with buttons, at once, or (on the way to the emergency numbers) right after them.
    if (result.typed && confirmsTyped(def)) {
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
  const { resume: _old, picking: _p, ...rest } = state;
  const next: SessionState = { ...rest, ended: false, misses: 0, answers: { ...state.answers, ...opts.set }, ...(opts.resume ? { resume: opts.resume } : {}) };
  return { state: run(flows, next, target, out, effects), out, effects };
}

/**
 * A story told where a question was expected (the assist's `extract`, issue 13): its proposals are
 * read back one at a time, and only what the person taps is stored. At a question that takes words
 * (a message to staff, what a witness saw), the words are its answer and the proposals come before
 * the next question; elsewhere they come at once, and the question after them (or is passed, when
 * a proposal answered it). Proposals for keys already answered are dropped.
 */
export function readStory(flows: FlowSet, state: SessionState, input: Extract<Input, { type: 'text' }>, proposals: Proposal[], lexicon: Lexicon): StepResult {
  const here: Target = { flow: state.flow, node: state.node };
  const node = nodeAt(flows, here);
  const def = node.ask ? flows.dictionary[node.ask] : undefined;
  if (!node.ask || !def || state.ended || state.confirming) return step(flows, state, input, lexicon);
  if (def.type === 'text' || def.type === 'location') return step(flows, withProposals(state, proposals.filter((p) => p.key !== node.ask)), input, lexicon);
  const queued = withProposals({ ...state, misses: 0 }, proposals);
  const held = takeDue(queued);
  if (!held) return step(flows, state, input, lexicon);
  const out = [...held.lead, readBackOut(held.readBack)];
  return { state: held.state, out, effects: [] };
}

/** `state` with a story's proposals queued for read-back (those for keys already answered left out). */
export function withProposals(state: SessionState, proposals: Proposal[]): SessionState {
  const known = new Set((state.proposed ?? []).map((p) => p.key));
  const fresh = proposals.filter((p) => state.answers[p.key] === undefined && !known.has(p.key));
  const proposed = [...(state.proposed ?? []), ...fresh];
  return proposed.length ? { ...state, proposed } : state;
}

/** Where a node goes: back to the interrupted question at a `resume` node, else its `next`. */
function leave(node: FlowNode, state: SessionState, at: Target): { state: SessionState; target: Target } {
  if (node.resume && state.resume) {
    const { resume, ...rest } = state;
    return { state: rest, target: resume };
  }
  return { state, target: exit(node, state, at) };
}

/** `typed` with `key` marked as read from typed words, or unmarked (tapped, skipped). */
function marked(typed: string[] | undefined, key: string, isTyped: boolean): string[] | undefined {
  const rest = (typed ?? []).filter((k) => k !== key);
  const list = isTyped ? [...rest, key] : rest;
  return list.length ? list : undefined;
}

/** On the way to the emergency numbers: nothing may come before them. */
function urgent(state: SessionState): boolean {
  return state.answers.in_danger_now === 'yes' && !state.emergencyShown;
}

function readBackOut(c: ReadBack): Out {
  return { kind: 'confirm', key: c.key, value: c.value, ...(c.doubtful ? { doubtful: true } : {}), required: c.required, ...(c.proposed ? { proposed: true } : {}) };
}

/** The state without a pending read-back. */
function settle(state: SessionState): SessionState {
  const { confirming: _c, ...rest } = state;
  return rest;
}

/**
 * The answer to a read-back: a tap on one of the key's values confirms it (the same value) or
 * corrects it; typed words are read again and read back again unless they clearly say the same.
 */
function readBackStep(flows: FlowSet, state: SessionState, input: Input, lexicon: Lexicon, out: Out[], effects: Effect[]): SessionState {
  const c = state.confirming!;
  if (c.proposed) return proposalStep(flows, state, input, lexicon, out, effects);
  const def = flows.dictionary[c.key]!;
  const answers = { ...state.answers };
  const choose = (value: string | undefined, typed: boolean): SessionState => {
    if (value === undefined) delete answers[c.key];
    else answers[c.key] = value;
    const skipped = state.skipped.filter((k) => k !== c.key);
    return { ...settle(state), misses: 0, answers, skipped: value === undefined ? [...skipped, c.key] : skipped, typed: marked(state.typed, c.key, typed) };
  };
  let settled: SessionState | undefined;
  let reason: Extract<Out, { kind: 'miss' }>['reason'] = 'unknown_choice';
  if (input.type === 'choice' && input.ids.length === 1) {
    const id = input.ids[0]!;
    if (id === SKIP && !c.required) settled = choose(undefined, false);
    else if (choiceIds(def).includes(id)) settled = choose(id, false);
  } else if (input.type === 'text') {
    const r = interpret(c.key, def, c.required, input, lexicon, state.lang);
    if (r.kind === 'skip') settled = choose(undefined, false);
    else if (r.kind === 'answer' && typeof r.value === 'string') {
      if (r.value === c.value && r.typed?.clear) settled = choose(r.value, true);
      else {
        const again: ReadBack = { ...c, value: r.value, ...(r.typed?.clear ? { doubtful: undefined } : { doubtful: true }) };
        if (!again.doubtful) delete again.doubtful;
        answers[c.key] = r.value;
        out.push(readBackOut(again));
        return { ...state, misses: 0, answers, confirming: again };
      }
    } else if (r.kind === 'miss') reason = r.reason;
  } else reason = 'wrong_type';
  if (!settled) {
    out.push({ kind: 'miss', reason }, readBackOut(c));
    return { ...state, misses: state.misses + 1 };
  }
  // The numbers shown on the way were for the country understood: a corrected country gets its own.
  if (c.key === 'current_country' && settled.answers.current_country !== c.value && settled.answers.in_danger_now === 'yes' && settled.emergencyShown) {
    out.push({ kind: 'show', block: 'emergency_numbers' });
  }
  const here: Target = { flow: state.flow, node: state.node };
  const node = nodeAt(flows, here);
  if (c.resume === 'next') return run(flows, settled, exit(node, settled, here), out, effects);
  const held = takeDue(settled);
  if (held) {
    out.push(...held.lead, readBackOut(held.readBack));
    return held.state;
  }
  // The question the read-back came before, with its lines (which may be the emergency numbers).
  speak(node, out);
  return shows(node, 'emergency_numbers') ? { ...settled, emergencyShown: true } : settled;
}

/**
 * The answer to a story's proposal. A tap on one of the key's values stores it (the proposal, or
 * the correction); "right" stores a list, a number or words as proposed; skip and "wrong" store
 * nothing, and the question is asked in its turn. Typed words are read as at the read-back of a
 * typed answer. Then the next proposal, or the question.
 */
function proposalStep(flows: FlowSet, state: SessionState, input: Input, lexicon: Lexicon, out: Out[], effects: Effect[]): SessionState {
  const c = state.confirming!;
  const def = flows.dictionary[c.key]!;
  const byValue = correctsByValue(def);
  let verdict: { store: boolean; value?: Proposal['value']; typed?: boolean } | undefined;
  let reason: Extract<Out, { kind: 'miss' }>['reason'] = 'unknown_choice';
  if (input.type === 'choice' && input.ids.length === 1) {
    const id = input.ids[0]!;
    if (id === SKIP || id === WRONG) verdict = { store: false };
    else if (byValue && choiceIds(def).includes(id)) verdict = { store: true, value: id };
    else if (!byValue && id === RIGHT) verdict = { store: true, value: c.value };
  } else if (input.type === 'text' && byValue) {
    const r = interpret(c.key, def, false, input, lexicon, state.lang);
    if (r.kind === 'skip') verdict = { store: false };
    else if (r.kind === 'answer' && typeof r.value === 'string') {
      if (r.value === c.value && r.typed?.clear) verdict = { store: true, value: r.value, typed: true };
      else {
        // Typed words that say another value: read back again, still not stored.
        const again: ReadBack = { ...c, value: r.value };
        out.push(readBackOut(again));
        return { ...state, misses: 0, confirming: again };
      }
    } else if (r.kind === 'miss') reason = r.reason;
  } else if (input.type === 'text') {
    const said = lexicon.match(input.text, ['yes', 'no'], YESNO_PREFIX, state.lang);
    if (said === 'yes') verdict = { store: true, value: c.value, typed: true };
    else if (said === 'no') verdict = { store: false };
    else reason = 'not_an_answer';
  } else reason = 'wrong_type';
  if (!verdict) {
    out.push({ kind: 'miss', reason }, readBackOut(c));
    return { ...state, misses: state.misses + 1 };
  }
  const answers = { ...state.answers };
  if (verdict.store && verdict.value !== undefined) {
    answers[c.key] = verdict.value;
    Object.assign(answers, impliedAnswers(def, verdict.value));
  }
  const settled: SessionState = { ...settle(state), misses: 0, answers, typed: marked(state.typed, c.key, verdict.store && verdict.typed === true) };
  const next = takeDue(settled, { lead: false });
  if (next) {
    out.push(readBackOut(next.readBack));
    return next.state;
  }
  return afterStory(flows, settled, out, effects);
}

/**
 * After the last proposal: the question the state waits at is passed when a proposal answered it;
 * a "which of these happened?" list is shown with what the confirmed answers stand for already
 * picked; any other question is asked.
 */
function afterStory(flows: FlowSet, state: SessionState, out: Out[], effects: Effect[]): SessionState {
  const here: Target = { flow: state.flow, node: state.node };
  const node = nodeAt(flows, here);
  const key = node.ask!;
  if (state.answers[key] !== undefined) {
    const leaving = leave(node, state, here);
    return run(flows, leaving.state, leaving.target, out, effects);
  }
  const def = flows.dictionary[key]!;
  const picked = Object.entries(def.implies ?? {})
    .filter(([, implied]) => Object.entries(implied).every(([k, v]) => state.answers[k] === v))
    .map(([id]) => id);
  if (def.type === 'multi' && picked.length) {
    out.push({ kind: 'picked', key, ids: picked });
    speak(node, out, { picked });
    return { ...state, picking: picked };
  }
  speak(node, out);
  return shows(node, 'emergency_numbers') ? { ...state, emergencyShown: true } : state;
}

function shows(node: FlowNode, block: Block): boolean {
  return node.say.some((item) => 'show' in item && item.show === block);
}

/**
 * The next held read-back, once nothing urgent is on the way, with the state that asks it: a typed
 * answer held back first, then a story's proposals. `lead` holds what comes before the read-back:
 * the list of a story's proposals, when their read-back begins.
 */
function takeDue(state: SessionState, opts: { lead?: boolean; flow?: string } = {}): { readBack: ReadBack; state: SessionState; lead: Out[] } | undefined {
  if (urgent(state)) return undefined;
  const [first, ...later] = state.confirmLater ?? [];
  if (first) {
    const { confirmLater: _l, ...rest } = state;
    return { readBack: first, state: { ...rest, ...(later.length ? { confirmLater: later } : {}), confirming: first }, lead: [] };
  }
  // The danger path's own question ("are you in danger right now?") comes before a story's proposals.
  if ((opts.flow ?? state.flow) === DANGER_FLOW) return undefined;
  const { proposed: _p, ...rest } = state;
  // A proposal for a key answered meanwhile (a tap, the danger path) is not asked again.
  const pending = (state.proposed ?? []).filter((p) => state.answers[p.key] === undefined);
  const [next, ...after] = pending;
  if (!next) return undefined;
  const readBack: ReadBack = { key: next.key, value: next.value, required: false, resume: 'reask', proposed: true };
  const lead: Out[] = opts.lead === false ? [] : [{ kind: 'proposals', items: pending }];
  return { readBack, state: { ...rest, ...(after.length ? { proposed: after } : {}), confirming: readBack }, lead };
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
      // A held read-back comes before the next question (whose lines are said after it).
      const held = node.ask ? takeDue(state, { flow: at.flow }) : undefined;
      if (!held) speak(node, out, { withoutQuestion: true });
      // Numbers held back with the node's lines (for a read-back) are shown when they are said.
      if (!held && shows(node, 'emergency_numbers')) state = { ...state, emergencyShown: true };
      for (const action of node.do) {
        effects.push({ type: action });
      }
      if (held) {
        out.push(...held.lead, readBackOut(held.readBack));
        return { ...held.state, flow: at.flow, node: at.node };
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
    const leaving = leave(node, state, at);
    state = leaving.state;
    at = leaving.target;
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
  if (state.confirming) return [readBackOut(state.confirming)];
  const out: Out[] = [];
  speak(node, out);
  return out;
}
