/**
 * The answer to a read-back (issue 9 and issue 13 item 2): a typed answer read back for a tap, or
 * one of a story's proposals, confirmed, corrected or waved away; then the next held read-back, or
 * the question. Pure, as the engine is.
 */
import { impliedAnswers } from './implies.ts';
import { choiceIds, correctsByValue, interpret, type Lexicon, RIGHT, SKIP, WRONG, YESNO_PREFIX } from './interpret.ts';
import type { Effect, FlowSet, Input, Out, Proposal, ReadBack, SessionState, Target } from './types.ts';
import { exit, leave, marked, nodeAt, readBackOut, run, settle, shows, speak, takeDue } from './walk.ts';

/**
 * The answer to a read-back: a tap on one of the key's values confirms it (the same value) or
 * corrects it; typed words are read again and read back again unless they clearly say the same.
 */
export function readBackStep(flows: FlowSet, state: SessionState, input: Input, lexicon: Lexicon, out: Out[], effects: Effect[]): SessionState {
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
    } else if (r.kind === 'miss') {
      // "yes" or "no" typed at the read-back of a country, an age group...: whether what was read
      // back is right. A yes confirms it; a no asks for the right answer's button. Never for a
      // consent, where a typed "yes" would confirm a "no" read back.
      const verdict = def.consent ? undefined : lexicon.match(input.text, ['yes', 'no'], YESNO_PREFIX, state.lang, { whole: true });
      if (verdict === 'yes' && typeof c.value === 'string') settled = choose(c.value, true);
      else if (verdict === 'no') {
        out.push(readBackOut(c));
        return { ...state, misses: 0 };
      } else reason = r.reason;
    }
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
  const implied = Object.entries(def.implies ?? {})
    .filter(([, answers]) => Object.entries(answers).every(([k, v]) => state.answers[k] === v))
    .map(([id]) => id);
  const picked = [...new Set([...(state.picking ?? []), ...implied])];
  if (def.type === 'multi' && picked.length) {
    out.push({ kind: 'picked', key, ids: picked });
    speak(node, out, { picked });
    return { ...state, picking: picked };
  }
  speak(node, out);
  return shows(node, 'emergency_numbers') ? { ...state, emergencyShown: true } : state;
}
