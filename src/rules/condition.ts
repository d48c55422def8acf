/**
 * Conditions: the one small language that flows (branching on earlier answers) and the policy
 * (priority, case type, routing) share.
 *
 * Written in YAML as a mapping whose entries must all hold:
 *
 * ```yaml
 * { nationality: TH, current_country: { not: TH }, consent_cross_border: yes }
 * { any: [ { in_danger_now: yes }, { ransom_demanded: yes } ] }
 * { age_group: child, indicator: any }
 * { case_type: [labour_trafficking, forced_criminality] }
 * ```
 *
 * An answer test is a value, a list of values (any of them), `{ not: value | [values] }`,
 * `{ known: true | false }`, or for numbers `{ below: 18 }` and `{ at_least: 18 }`. A test on a key that was never answered is false, except `known: false`,
 * so `{ nationality: { not: TH } }` does not match someone who skipped the question.
 */
import type { Answers } from './answers.ts';

/** A compiled condition. */
export type Condition =
  | { op: 'all'; of: Condition[] }
  | { op: 'any'; of: Condition[] }
  | { op: 'not'; of: Condition }
  | { op: 'answer'; key: string; test: AnswerTest }
  | { op: 'indicator'; ids: string[] | 'any' }
  | { op: 'case_type'; values: string[] };

/** How one answer is tested. */
export type AnswerTest =
  | { kind: 'in'; values: string[] }
  | { kind: 'not_in'; values: string[] }
  | { kind: 'known'; known: boolean }
  | { kind: 'below'; limit: number }
  | { kind: 'at_least'; limit: number };

/** What a condition is evaluated against. Indicators and case type exist only in the policy. */
export interface ConditionContext {
  answers: Answers;
  indicators?: readonly string[];
  caseType?: string;
}

/** A condition that cannot be compiled; `path` names where it is. */
export class ConditionError extends Error {
  readonly path: string;

  constructor(
    path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.path = path;
    this.name = 'ConditionError';
  }
}


/** Compiles the YAML form of a condition; throws a {@link ConditionError} naming `path`. */
export function compileCondition(raw: unknown, path: string): Condition {
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    throw new ConditionError(path, 'a condition must be a non-empty mapping, e.g. { in_danger_now: yes }');
  }
  const parts = Object.entries(raw).map(([name, value]): Condition => {
    const at = `${path}.${name}`;
    switch (name) {
      case 'all':
      case 'any':
        if (!Array.isArray(value) || value.length === 0) throw new ConditionError(at, `"${name}" takes a non-empty list of conditions`);
        return { op: name, of: value.map((c, i) => compileCondition(c, `${at}[${i}]`)) };
      case 'not':
        return { op: 'not', of: compileCondition(value, at) };
      case 'indicator':
        if (value === 'any') return { op: 'indicator', ids: 'any' };
        return { op: 'indicator', ids: stringList(value, at) };
      case 'case_type':
        return { op: 'case_type', values: stringList(value, at) };
      default:
        return { op: 'answer', key: name, test: compileTest(value, at) };
    }
  });
  return parts.length === 1 ? parts[0]! : { op: 'all', of: parts };
}

function compileTest(value: unknown, at: string): AnswerTest {
  if (isPlainObject(value)) {
    if ('not' in value && Object.keys(value).length === 1) return { kind: 'not_in', values: stringList(value.not, `${at}.not`) };
    if ('known' in value && Object.keys(value).length === 1 && typeof value.known === 'boolean') {
      return { kind: 'known', known: value.known };
    }
    for (const kind of ['below', 'at_least'] as const) {
      if (kind in value && Object.keys(value).length === 1 && typeof value[kind] === 'number') return { kind, limit: value[kind] };
    }
    throw new ConditionError(at, 'an answer test is a value, a list, { not: ... }, { known: true|false }, { below: n } or { at_least: n }');
  }
  return { kind: 'in', values: stringList(value, at) };
}

function stringList(value: unknown, at: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' || typeof v === 'number')) {
    throw new ConditionError(at, 'expected a value or a non-empty list of values');
  }
  return list.map(String);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Evaluates a compiled condition. Pure. */
export function evaluate(cond: Condition, ctx: ConditionContext): boolean {
  switch (cond.op) {
    case 'all':
      return cond.of.every((c) => evaluate(c, ctx));
    case 'any':
      return cond.of.some((c) => evaluate(c, ctx));
    case 'not':
      return !evaluate(cond.of, ctx);
    case 'indicator': {
      const found = ctx.indicators ?? [];
      return cond.ids === 'any' ? found.length > 0 : cond.ids.some((id) => found.includes(id));
    }
    case 'case_type':
      return ctx.caseType !== undefined && cond.values.includes(ctx.caseType);
    case 'answer':
      return testAnswer(cond.test, answerStrings(ctx.answers[cond.key]));
  }
}

function testAnswer(test: AnswerTest, given: string[] | undefined): boolean {
  if (test.kind === 'known') return (given !== undefined) === test.known;
  if (given === undefined) return false;
  if (test.kind === 'below' || test.kind === 'at_least') {
    const n = Number(given[0]);
    return given.length === 1 && Number.isFinite(n) && (test.kind === 'below' ? n < test.limit : n >= test.limit);
  }
  const hit = given.some((v) => test.values.includes(v));
  return test.kind === 'in' ? hit : !hit;
}

/** The comparable strings of an answer: one for a choice, several for a multi-select. */
function answerStrings(value: Answers[string]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'object') return ['*'];
  return [String(value)];
}

/** Every answer key and policy name a condition mentions, for the meaning checks. */
export function conditionRefs(cond: Condition): { keys: string[]; indicators: string[]; anyIndicator: boolean; caseTypes: string[] } {
  const out = { keys: [] as string[], indicators: [] as string[], anyIndicator: false, caseTypes: [] as string[] };
  const walk = (c: Condition): void => {
    if (c.op === 'all' || c.op === 'any') c.of.forEach(walk);
    else if (c.op === 'not') walk(c.of);
    else if (c.op === 'answer') out.keys.push(c.key);
    else if (c.op === 'indicator' && c.ids === 'any') out.anyIndicator = true;
    else if (c.op === 'indicator') out.indicators.push(...c.ids);
    else if (c.op === 'case_type') out.caseTypes.push(...c.values);
  };
  walk(cond);
  return out;
}

