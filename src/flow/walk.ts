/**
 * Walking a flow: from a node to the next one that waits for the person (or ends), what a node says,
 * where it goes, and the read-backs held for later. Shared by the engine's steps (engine.ts) and
 * the read-back of typed answers and of a story's proposals (read-back.ts). Pure, as the engine is.
 */
import { evaluate } from '../rules/condition.ts';
import type { Block, Effect, FlowNode, FlowSet, Out, ReadBack, SessionState, Target } from './types.ts';

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

/** The flow a message that says the person is in danger goes to, from any step. */
export const DANGER_FLOW = 'danger';

/** A loop guard: no conversation needs this many nodes between two answers. */
const MAX_HOPS = 200;

/** Where a node goes: back to the interrupted question at a `resume` node, else its `next`. */
export function leave(node: FlowNode, state: SessionState, at: Target): { state: SessionState; target: Target } {
  if (node.resume && state.resume) {
    const { resume, ...rest } = state;
    return { state: rest, target: resume };
  }
  return { state, target: exit(node, state, at) };
}

/** `typed` with `key` marked as read from typed words, or unmarked (tapped, skipped). */
export function marked(typed: string[] | undefined, key: string, isTyped: boolean): string[] | undefined {
  const rest = (typed ?? []).filter((k) => k !== key);
  const list = isTyped ? [...rest, key] : rest;
  return list.length ? list : undefined;
}

/** On the way to the emergency numbers: nothing may come before them. */
export function urgent(state: SessionState): boolean {
  return state.answers.in_danger_now === 'yes' && !state.emergencyShown;
}

/** A read-back as engine output. */
export function readBackOut(c: ReadBack): Out {
  return { kind: 'confirm', key: c.key, value: c.value, ...(c.doubtful ? { doubtful: true } : {}), required: c.required, ...(c.proposed ? { proposed: true } : {}) };
}

/** The state without a pending read-back. */
export function settle(state: SessionState): SessionState {
  const { confirming: _c, ...rest } = state;
  return rest;
}

/** Whether a node shows a block among its lines. */
export function shows(node: FlowNode, block: Block): boolean {
  return node.say.some((item) => 'show' in item && item.show === block);
}

/**
 * The next held read-back, once nothing urgent is on the way, with the state that asks it: a typed
 * answer held back first, then a story's proposals. `lead` holds what comes before the read-back:
 * the list of a story's proposals, when their read-back begins.
 */
export function takeDue(state: SessionState, opts: { lead?: boolean; flow?: string } = {}): { readBack: ReadBack; state: SessionState; lead: Out[] } | undefined {
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
export function run(flows: FlowSet, state: SessionState, target: Target, out: Out[], effects: Effect[]): SessionState {
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
        // Back at a list the danger path interrupted: what was tapped is tapped still.
        const picked = state.heldPicks?.key === node.ask ? state.heldPicks.ids : undefined;
        if (picked) {
          const { heldPicks: _h, ...rest } = state;
          state = { ...rest, picking: picked };
          out.push({ kind: 'picked', key: node.ask, ids: picked });
        }
        out.push({ kind: 'ask', key: node.ask, required: node.required, ...(picked ? { picked } : {}) });
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
export function speak(node: FlowNode, out: Out[], opts: { withoutQuestion?: boolean; offerMessage?: boolean; picked?: string[] } = {}): void {
  for (const item of node.say) out.push('text' in item ? { kind: 'say', key: item.text } : { kind: 'show', block: item.show });
  if (!opts.withoutQuestion && node.ask) {
    out.push({ kind: 'ask', key: node.ask, required: node.required, ...(opts.offerMessage ? { offerMessage: true } : {}), ...(opts.picked ? { picked: opts.picked } : {}) });
  }
}

/** The first branch whose condition holds; validation guarantees the last one always does. */
export function exit(node: FlowNode, state: SessionState, at: Target): Target {
  const branch = node.next.find((b) => !b.when || evaluate(b.when, { answers: state.answers }));
  if (!branch) throw new FlowRuntimeError(at, 'no branch of next matched');
  return branch.goto;
}

/** The node at a target; a FlowRuntimeError when the flows changed under a live conversation. */
export function nodeAt(flows: FlowSet, t: Target): FlowNode {
  const node = flows.flows.get(t.flow)?.nodes.get(t.node);
  if (!node) throw new FlowRuntimeError(t, 'no such node (the flows changed under a live conversation?)');
  return node;
}
