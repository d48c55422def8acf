/**
 * Builds a {@link FlowSet} from parsed flow files, checking them in two tiers: the shape (zod), then
 * the meaning: unique ids, every target resolves, every key is known, no dead ends, every node is
 * reachable, and no loop that never waits for the user. Every problem names its file and path.
 */
import type { Problem } from '../core/errors.ts';
import { zodProblems } from '../core/errors.ts';
import { type Condition, ConditionError, compileCondition, conditionRefs } from '../rules/condition.ts';
import { DANGER_FLOW, MESSAGE_FLOW } from './engine.ts';
import { impliesProblems } from './implies.ts';
import { choiceIds } from './interpret.ts';
import { flowFileSchema, type RawFlow } from './schema.ts';
import type { Branch, Dictionary, Flow, FlowNode, FlowSet, SayItem, Target } from './types.ts';

/** A flow file's parsed YAML and where it came from. */
export interface FlowSource {
  file: string;
  data: unknown;
}

/** The id of the flow every conversation starts in. */
export const ENTRY_FLOW = 'entry';

/** Checks and compiles flows; returns the set only when there are no problems. */
export function buildFlowSet(sources: FlowSource[], baseDictionary: Dictionary): { set?: FlowSet; problems: Problem[] } {
  const problems: Problem[] = [];
  const parsed: { file: string; flow: RawFlow }[] = [];
  for (const { file, data } of sources) {
    const where = typeof (data as { id?: unknown })?.id === 'string' ? `flow ${(data as { id: string }).id}` : '';
    const result = flowFileSchema.safeParse(data);
    if (result.success) parsed.push({ file, flow: result.data });
    else problems.push(...zodProblems(file, where, result.error));
  }

  // Declared keys join the dictionary; a key declared twice must mean the same thing.
  const dictionary: Dictionary = { ...baseDictionary };
  for (const { file, flow } of parsed) {
    for (const [key, def] of Object.entries(flow.keys)) {
      const known = dictionary[key];
      if (known && JSON.stringify(known) !== JSON.stringify(def)) {
        problems.push({ file, path: `flow ${flow.id}, keys.${key}`, message: 'already defined differently in the dictionary or another flow' });
      }
      dictionary[key] = def;
    }
  }

  // A key declared by a flow is reported in its file; one of the dictionary in dictionary.yaml beside.
  const keyAt = (key: string) => {
    const declared = parsed.find((p) => key in p.flow.keys);
    if (declared) return { file: declared.file, path: `flow ${declared.flow.id}, ` };
    return { file: parsed[0] ? parsed[0].file.replace(/[^/\\]+$/, 'dictionary.yaml') : 'dictionary.yaml', path: 'dictionary, ' };
  };
  problems.push(...impliesProblems(dictionary, keyAt));

  const flowIds = new Map<string, string>();
  for (const { file, flow } of parsed) {
    const other = flowIds.get(flow.id);
    if (other) problems.push({ file, path: `flow ${flow.id}`, message: `flow id already used in ${other}` });
    flowIds.set(flow.id, file);
  }
  const nodeIdsOf = new Map(parsed.map(({ flow }) => [flow.id, new Set(flow.nodes.map((n) => n.id))]));

  const flows = new Map<string, Flow>();
  for (const { file, flow } of parsed) {
    const at = (path: string) => `flow ${flow.id}${path ? `, ${path}` : ''}`;
    const report = (path: string, message: string) => problems.push({ file, path: at(path), message });
    const nodes = new Map<string, FlowNode>();

    if (!nodeIdsOf.get(flow.id)!.has(flow.start)) report('start', `unknown node "${flow.start}"`);

    const resolve = (raw: string, path: string): Target | undefined => {
      const [flowPart, nodePart] = raw.startsWith('@') ? raw.slice(1).split('/') : [flow.id, raw];
      const targetFlow = parsed.find((p) => p.flow.id === flowPart)?.flow;
      if (!targetFlow) return void report(path, `unknown target "${raw}": there is no flow "${flowPart}"`);
      const node = nodePart ?? targetFlow.start;
      if (!nodeIdsOf.get(targetFlow.id)!.has(node)) return void report(path, `unknown target "${raw}": flow ${targetFlow.id} has no node "${node}"`);
      return { flow: targetFlow.id, node };
    };
    const condition = (raw: unknown, path: string): Condition | undefined => {
      try {
        const cond = compileCondition(raw, path);
        const refs = conditionRefs(cond);
        for (const key of refs.keys) if (!dictionary[key]) report(path, `unknown key "${key}": add it to the dictionary or to this flow's keys`);
        if (refs.indicators.length || refs.anyIndicator || refs.caseTypes.length) report(path, 'indicator and case_type belong to the policy, not to flows');
        return cond;
      } catch (err) {
        if (err instanceof ConditionError) return void report(err.path, err.message.slice(err.path.length + 2));
        throw err;
      }
    };

    flow.nodes.forEach((raw, index) => {
      const where = `node ${raw.id}`;
      if (nodes.has(raw.id)) report(`nodes[${index}]`, `duplicate node id "${raw.id}"`);
      if (raw.ask && !dictionary[raw.ask]) report(`${where}, ask`, `unknown key "${raw.ask}": add it to the dictionary or to this flow's keys`);
      if (!raw.ask && (raw.required || raw.skip_if_answered)) report(where, 'required and skip_if_answered apply only to a node that asks');
      if (raw.end && raw.next !== undefined) report(where, 'an end node has no next');
      if (!raw.end && raw.next === undefined) report(where, 'dead end: give it a next or mark it end: true');
      if (raw.end && raw.ask) report(where, 'an end node cannot wait for an answer');
      if (raw.ask && !raw.say.some((s) => typeof s === 'string')) report(`${where}, say`, 'a node that asks must say its question (a locale key)');

      const rawBranches = raw.next === undefined ? [] : typeof raw.next === 'string' ? [{ goto: raw.next }] : raw.next;
      const last = rawBranches.at(-1);
      if (last && last.when !== undefined) report(`${where}, next[${rawBranches.length - 1}]`, 'the last branch must have no "when", so that every exit resolves');
      const next: Branch[] = [];
      rawBranches.forEach((b, i) => {
        const path = `${where}, next${typeof raw.next === 'string' ? '' : `[${i}]`}`;
        const goto = resolve(b.goto, typeof raw.next === 'string' ? path : `${path}.goto`);
        const when = b.when === undefined ? undefined : condition(b.when, `${path}.when`);
        if (goto) next.push(when ? { when, goto } : { goto });
      });
      const onlyIf = raw.only_if === undefined ? undefined : condition(raw.only_if, `${where}, only_if`);
      for (const [key, value] of Object.entries(raw.set)) {
        const def = dictionary[key];
        if (!def) report(`${where}, set.${key}`, `unknown key "${key}"`);
        else if (!['choice', 'yesno', 'text'].includes(def.type) || (def.type !== 'text' && !choiceIds(def).includes(value))) {
          report(`${where}, set.${key}`, `"${value}" is not a value of ${key}`);
        }
      }
      const say: SayItem[] = raw.say.map((s) => (typeof s === 'string' ? { text: s } : s));
      nodes.set(raw.id, {
        id: raw.id,
        ...(onlyIf ? { onlyIf } : {}),
        say,
        ...(raw.ask ? { ask: raw.ask } : {}),
        required: raw.required,
        skipIfAnswered: raw.skip_if_answered,
        set: raw.set,
        do: raw.do,
        next,
        end: raw.end,
        resume: raw.resume,
      });
    });
    flows.set(flow.id, { id: flow.id, start: flow.start, file, nodes });
  }

  if (parsed.length && !flows.has(ENTRY_FLOW)) problems.push({ file: parsed[0]!.file, path: '', message: `no flow has id "${ENTRY_FLOW}": conversations start there` });
  if (problems.length === 0) problems.push(...reachability(flows), ...silentLoops(flows));
  return problems.length ? { problems } : { set: { entry: ENTRY_FLOW, flows, dictionary }, problems };
}

const nodeKey = (t: Target) => `${t.flow}/${t.node}`;

/** Every node must be reachable from the entry flow's start. */
function reachability(flows: Map<string, Flow>): Problem[] {
  const seen = new Set<string>();
  // The message flow can be opened from any question (after two misses), and the danger flow by
  // any message that says the person is in danger, so they are roots too.
  const roots = [ENTRY_FLOW, MESSAGE_FLOW, DANGER_FLOW].filter((id) => flows.has(id));
  const queue: Target[] = roots.map((id) => ({ flow: id, node: flows.get(id)!.start }));
  while (queue.length) {
    const t = queue.pop()!;
    if (seen.has(nodeKey(t))) continue;
    seen.add(nodeKey(t));
    queue.push(...flows.get(t.flow)!.nodes.get(t.node)!.next.map((b) => b.goto));
  }
  const problems: Problem[] = [];
  for (const flow of flows.values()) {
    for (const node of flow.nodes.values()) {
      if (!seen.has(nodeKey({ flow: flow.id, node: node.id }))) {
        problems.push({ file: flow.file, path: `flow ${flow.id}, node ${node.id}`, message: `unreachable from the start of flow ${ENTRY_FLOW}` });
      }
    }
  }
  return problems;
}

/** A cycle of nodes that never wait for the user would spin forever. */
function silentLoops(flows: Map<string, Flow>): Problem[] {
  const waits = (t: Target) => {
    const n = flows.get(t.flow)!.nodes.get(t.node)!;
    return n.ask !== undefined && n.onlyIf === undefined && !n.skipIfAnswered;
  };
  const problems: Problem[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (t: Target, pathSoFar: string[]): void => {
    const k = nodeKey(t);
    if (state.get(k) === 'done') return;
    if (state.get(k) === 'open') {
      const flow = flows.get(t.flow)!;
      problems.push({ file: flow.file, path: `flow ${t.flow}, node ${t.node}`, message: `loop that never waits for the user: ${[...pathSoFar.slice(pathSoFar.indexOf(k)), k].join(' -> ')}` });
      return;
    }
    state.set(k, 'open');
    for (const b of flows.get(t.flow)!.nodes.get(t.node)!.next) if (!waits(b.goto)) visit(b.goto, [...pathSoFar, k]);
    state.set(k, 'done');
  };
  for (const flow of flows.values()) for (const id of flow.nodes.keys()) visit({ flow: flow.id, node: id }, []);
  return problems;
}
