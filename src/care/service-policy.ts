/**
 * Services from needs as data: the `services` section of `flows/policy.yaml` (issue 15). Each need a
 * person names becomes a service whose agency is the first routing rule that holds for its kind, and
 * whose due date is its kind's response target. Checked in two tiers like the flows: the shape with
 * zod, then the meaning (every need has a target, every agency is in the directory, every key and
 * case type exists), each problem naming the file and path.
 */
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, type Problem, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';
import type { Answers, Dictionary } from '../flow/types.ts';
import { checkedCondition } from '../rules/checked-condition.ts';
import { type Condition, evaluate } from '../rules/condition.ts';

/** The dictionary key whose values are the service kinds. */
export const NEEDS_KEY = 'needs';

const id = z.string().regex(/^[a-z][a-z0-9_-]*$/);

const servicesSchema = z
  .object({
    targets: z.record(id, z.number().positive().max(24 * 365)),
    routing: z.array(z.object({ name: id, kind: z.array(id).min(1), when: z.unknown(), agency: id }).strict()),
    fallback_agency: id,
  })
  .strict();

/** The compiled services policy. */
export interface ServicePolicy {
  /** The kinds in the dictionary's order. */
  kinds: string[];
  /** Response target per kind, milliseconds. */
  targetMs: Record<string, number>;
  routing: { name: string; kinds: string[]; when: Condition; agency: string }[];
  fallbackAgency: string;
}

/** Checks and compiles the `services` section of a parsed policy file. */
export function buildServicePolicy(
  file: string,
  data: unknown,
  scope: { dictionary: Dictionary; agencyIds: ReadonlySet<string>; caseTypes: ReadonlySet<string> },
): { policy?: ServicePolicy; problems: Problem[] } {
  const raw = (data as { services?: unknown } | null)?.services;
  if (raw === undefined) return { problems: [{ file, path: 'services', message: 'missing: every need needs a service kind with a target and routing (see README, Services)' }] };
  const parsed = servicesSchema.safeParse(raw);
  if (!parsed.success) return { problems: zodProblems(file, 'services', parsed.error) };
  const s = parsed.data;
  const problems: Problem[] = [];
  const needs = scope.dictionary[NEEDS_KEY];
  const kinds = needs && 'values' in needs && Array.isArray(needs.values) ? (needs.values as string[]) : [];
  if (!kinds.length) problems.push({ file, path: 'services', message: `the dictionary has no multi key "${NEEDS_KEY}" with values` });
  for (const k of kinds) if (s.targets[k] === undefined) problems.push({ file, path: `services.targets.${k}`, message: `missing: the need "${k}" has no response target` });
  for (const k of Object.keys(s.targets)) if (!kinds.includes(k)) problems.push({ file, path: `services.targets.${k}`, message: `"${k}" is not a value of ${NEEDS_KEY}` });
  const routing = s.routing.map((r, i) => {
    const at = `services.routing[${i}] (${r.name})`;
    for (const [j, k] of r.kind.entries()) if (!kinds.includes(k)) problems.push({ file, path: `${at}.kind[${j}]`, message: `"${k}" is not a value of ${NEEDS_KEY}` });
    if (!scope.agencyIds.has(r.agency)) problems.push({ file, path: `${at}.agency`, message: `unknown agency "${r.agency}"` });
    return { name: r.name, kinds: r.kind, agency: r.agency, when: checkedCondition(r.when, file, `${at}.when`, scope, problems) };
  });
  if (!scope.agencyIds.has(s.fallback_agency)) problems.push({ file, path: 'services.fallback_agency', message: `unknown agency "${s.fallback_agency}"` });
  if (problems.length) return { problems };
  return {
    policy: { kinds, targetMs: Object.fromEntries(Object.entries(s.targets).map(([k, h]) => [k, h * 3_600_000])), routing, fallbackAgency: s.fallback_agency },
    problems,
  };
}

/** Reads the services section of `policy.yaml`; throws a {@link DefinitionError} naming each problem. */
export function loadServicePolicy(dir: string, scope: Parameters<typeof buildServicePolicy>[2]): ServicePolicy {
  const file = path.join(dir, 'policy.yaml');
  const { policy, problems } = buildServicePolicy(file, readYamlFile(file), scope);
  if (!policy) throw new DefinitionError(problems);
  return policy;
}

/**
 * The agencies that may provide a kind of service for these answers, best first: the agencies of
 * the rules that hold, then the fallback. The caller takes the first it may send the case to.
 */
export function serviceAgencies(policy: ServicePolicy, kind: string, answers: Answers, caseType: string): string[] {
  const ctx = { answers, caseType };
  const agencies = policy.routing.filter((r) => r.kinds.includes(kind) && evaluate(r.when, ctx)).map((r) => r.agency);
  return [...new Set([...agencies, policy.fallbackAgency])];
}
