/**
 * The referral policy as data: indicators, priority, case type and routing, read from
 * `flows/policy.yaml` and evaluated by {@link assess}. Deployers change the file, not the code.
 */
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, type Problem, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';
import type { Answers, Dictionary } from '../flow/types.ts';
import { type Condition, ConditionError, compileCondition, conditionRefs, evaluate } from '../rules/condition.ts';

const id = z.string().regex(/^[a-z][a-z0-9_-]*$/);

export const policyFileSchema = z
  .object({
    indicators: z.record(id, z.unknown()),
    priorities: z.array(z.string().regex(/^[A-Z][A-Z0-9]*$/)).min(1),
    priority_rules: z.array(z.object({ priority: z.string(), because: z.string().min(1), when: z.unknown() }).strict()),
    case_types: z.array(z.object({ id, when: z.unknown().optional() }).strict()).min(1),
    routing: z.array(z.object({ name: id, when: z.unknown(), agencies: z.array(id).min(1) }).strict()),
    fallback_agencies: z.array(id).min(1),
    /** Services from needs (issue 15): checked by src/care/service-policy.ts. */
    services: z.unknown().optional(),
  })
  .strict();

/** A compiled policy. */
export interface Policy {
  file: string;
  indicators: { id: string; when: Condition }[];
  priorities: string[];
  priorityRules: { priority: string; because: string; when: Condition }[];
  caseTypes: { id: string; when?: Condition }[];
  routing: { name: string; when: Condition; agencies: string[] }[];
  fallbackAgencies: string[];
}

/** What the policy concludes about a set of answers. */
export interface Assessment {
  indicators: string[];
  priority: string;
  /** Why the priority was given (the matching rule's `because`), or "default". */
  priorityBecause: string;
  caseType: string;
  agencies: string[];
  /** The names of the routing rules that matched. */
  routes: string[];
}

/** Evaluates the policy for a set of answers. Pure. */
export function assess(policy: Policy, answers: Answers): Assessment {
  const indicators = policy.indicators.filter((i) => evaluate(i.when, { answers })).map((i) => i.id);
  const prio = policy.priorityRules.find((r) => evaluate(r.when, { answers, indicators }));
  const caseType = policy.caseTypes.find((c) => !c.when || evaluate(c.when, { answers, indicators }))!.id;
  const ctx = { answers, indicators, caseType };
  const matched = policy.routing.filter((r) => evaluate(r.when, ctx));
  const agencies = [...new Set((matched.length ? matched.flatMap((r) => r.agencies) : policy.fallbackAgencies))];
  return {
    indicators,
    priority: prio?.priority ?? policy.priorities.at(-1)!,
    priorityBecause: prio?.because ?? 'default',
    caseType,
    agencies,
    routes: matched.length ? matched.map((r) => r.name) : ['fallback'],
  };
}

/** Checks and compiles a parsed policy file against the dictionary and the agency ids. */
export function buildPolicy(file: string, data: unknown, dictionary: Dictionary, agencyIds: ReadonlySet<string>): { policy?: Policy; problems: Problem[] } {
  const parsed = policyFileSchema.safeParse(data);
  if (!parsed.success) return { problems: zodProblems(file, 'policy', parsed.error) };
  const raw = parsed.data;
  const problems: Problem[] = [];
  const report = (p: string, message: string) => problems.push({ file, path: p, message });
  const indicatorIds = new Set(Object.keys(raw.indicators));
  const caseTypeIds = new Set(raw.case_types.map((c) => c.id));

  const compile = (value: unknown, p: string, allow: { indicators: boolean; caseType: boolean }): Condition => {
    try {
      const cond = compileCondition(value, p);
      const refs = conditionRefs(cond);
      for (const k of refs.keys) if (!dictionary[k]) report(p, `unknown key "${k}"`);
      for (const i of refs.indicators) if (!indicatorIds.has(i)) report(p, `unknown indicator "${i}"`);
      for (const c of refs.caseTypes) if (!caseTypeIds.has(c)) report(p, `unknown case type "${c}"`);
      if (!allow.indicators && (refs.indicators.length || refs.anyIndicator)) report(p, 'an indicator cannot be defined by other indicators');
      if (!allow.caseType && refs.caseTypes.length) report(p, 'case_type is known only when routing');
      return cond;
    } catch (err) {
      if (err instanceof ConditionError) report(err.path, err.message.slice(err.path.length + 2));
      else throw err;
      return { op: 'any', of: [] };
    }
  };

  const indicators = Object.entries(raw.indicators).map(([i, when]) => ({ id: i, when: compile(when, `indicators.${i}`, { indicators: false, caseType: false }) }));
  const priorityRules = raw.priority_rules.map((r, i) => {
    if (!raw.priorities.includes(r.priority)) report(`priority_rules[${i}].priority`, `"${r.priority}" is not one of priorities (${raw.priorities.join(', ')})`);
    return { ...r, when: compile(r.when, `priority_rules[${i}].when`, { indicators: true, caseType: false }) };
  });
  const caseTypes = raw.case_types.map((c, i) => {
    const last = i === raw.case_types.length - 1;
    if (last && c.when !== undefined) report(`case_types[${i}]`, 'the last case type is the default: give it no "when"');
    if (!last && c.when === undefined) report(`case_types[${i}]`, 'only the last case type may have no "when"');
    return { id: c.id, ...(c.when !== undefined ? { when: compile(c.when, `case_types[${i}].when`, { indicators: true, caseType: false }) } : {}) };
  });
  const routing = raw.routing.map((r, i) => {
    for (const [j, a] of r.agencies.entries()) if (!agencyIds.has(a)) report(`routing[${i}] (${r.name}).agencies[${j}]`, `unknown agency "${a}"`);
    return { name: r.name, agencies: r.agencies, when: compile(r.when, `routing[${i}] (${r.name}).when`, { indicators: true, caseType: true }) };
  });
  for (const [j, a] of raw.fallback_agencies.entries()) if (!agencyIds.has(a)) report(`fallback_agencies[${j}]`, `unknown agency "${a}"`);

  if (problems.length) return { problems };
  return {
    policy: { file, indicators, priorities: raw.priorities, priorityRules, caseTypes, routing, fallbackAgencies: raw.fallback_agencies },
    problems,
  };
}

/** Reads `policy.yaml` from the flows folder; throws a {@link DefinitionError} naming each problem. */
export function loadPolicy(dir: string, dictionary: Dictionary, agencyIds: ReadonlySet<string>): Policy {
  const file = path.join(dir, 'policy.yaml');
  const { policy, problems } = buildPolicy(file, readYamlFile(file), dictionary, agencyIds);
  if (!policy) throw new DefinitionError(problems);
  return policy;
}
