/**
 * Return plans as data (`flows/repatriation.yaml`, issue 15): which plan fits a case, its steps,
 * each step's owner agency (fixed, or by the person's nationality), due date, whether it crosses a
 * border, and what the reporter is told when it is done. Checked in two tiers like the flows: the
 * shape with zod, then the meaning (unique ids, agencies in the directory, a step that sends the
 * case abroad marked cross_border, every reporter message in every language), each problem naming
 * the file and path.
 */
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, type Problem, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';
import type { Directory } from '../directory/directory.ts';
import type { Answers, Dictionary } from '../flow/types.ts';
import { checkedCondition } from '../rules/checked-condition.ts';
import { type Condition, evaluate } from '../rules/condition.ts';
import { isCrossBorder } from '../tickets/ticket-actions.ts';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/);
const agencyId = z.string().regex(/^[a-z][a-z0-9-]*$/);
const agencyRef = z.union([agencyId, z.object({ nationality: z.record(z.string().regex(/^[A-Z]{2}$|^OTHER$/), agencyId), otherwise: agencyId }).strict()]);

const stepSchema = z
  .object({
    id,
    agency: agencyRef,
    only_if: z.unknown().optional(),
    cross_border: z.boolean().default(false),
    due_days: z.number().positive().max(365),
    tell_reporter: z.string().regex(/^[a-z][a-z0-9_.]*$/).optional(),
  })
  .strict();

export const repatriationFileSchema = z.object({ plans: z.array(z.object({ id, when: z.unknown(), steps: z.array(stepSchema).min(1) }).strict()).min(1) }).strict();

/** A step as defined. */
export interface StepDefinition {
  id: string;
  agency: string | { byNationality: Record<string, string>; otherwise: string };
  onlyIf?: Condition;
  crossBorder: boolean;
  dueMs: number;
  tellReporter?: string;
}

/** A plan as defined. */
export interface PlanDefinition {
  id: string;
  when: Condition;
  steps: StepDefinition[];
}

/** The compiled return plans. */
export interface RepatriationPlans {
  plans: PlanDefinition[];
}

/** What the check needs to know. */
export interface PlanScope {
  dictionary: Dictionary;
  directory: Directory;
  /** Whether a locale key exists in every language; undefined skips the check. */
  hasText?: (key: string) => string[];
}

/** Checks and compiles a parsed repatriation file. */
export function buildRepatriationPlans(file: string, data: unknown, scope: PlanScope): { plans?: RepatriationPlans; problems: Problem[] } {
  const parsed = repatriationFileSchema.safeParse(data);
  if (!parsed.success) return { problems: zodProblems(file, 'repatriation', parsed.error) };
  const problems: Problem[] = [];
  const seenPlans = new Set<string>();
  const plans = parsed.data.plans.map((p, i): PlanDefinition => {
    const at = `plans[${i}] (${p.id})`;
    if (seenPlans.has(p.id)) problems.push({ file, path: at, message: `duplicate plan id "${p.id}"` });
    seenPlans.add(p.id);
    const seen = new Set<string>();
    const steps = p.steps.map((s, j): StepDefinition => {
      const sat = `${at}.steps[${j}] (${s.id})`;
      if (seen.has(s.id)) problems.push({ file, path: sat, message: `duplicate step id "${s.id}"` });
      seen.add(s.id);
      const ids = typeof s.agency === 'string' ? [s.agency] : [...Object.values(s.agency.nationality), s.agency.otherwise];
      for (const a of ids) {
        if (!scope.directory.byId.has(a)) problems.push({ file, path: `${sat}.agency`, message: `unknown agency "${a}"` });
        else if (!s.cross_border && isCrossBorder(scope.directory, a)) problems.push({ file, path: `${sat}.agency`, message: `"${a}" is abroad or a foreign authority: mark the step cross_border: true` });
      }
      if (s.tell_reporter && scope.hasText) {
        const missing = scope.hasText(s.tell_reporter);
        if (missing.length) problems.push({ file, path: `${sat}.tell_reporter`, message: `"${s.tell_reporter}" is missing in locales ${missing.join(', ')}` });
      }
      return {
        id: s.id,
        agency: typeof s.agency === 'string' ? s.agency : { byNationality: s.agency.nationality, otherwise: s.agency.otherwise },
        ...(s.only_if !== undefined ? { onlyIf: checkedCondition(s.only_if, file, `${sat}.only_if`, scope, problems) } : {}),
        crossBorder: s.cross_border,
        dueMs: s.due_days * 86_400_000,
        ...(s.tell_reporter ? { tellReporter: s.tell_reporter } : {}),
      };
    });
    return { id: p.id, when: checkedCondition(p.when, file, `${at}.when`, scope, problems), steps };
  });
  if (problems.length) return { problems };
  return { plans: { plans }, problems };
}

/** Reads `repatriation.yaml` from the flows folder; throws a {@link DefinitionError} naming each problem. */
export function loadRepatriationPlans(dir: string, scope: PlanScope): RepatriationPlans {
  const file = path.join(dir, 'repatriation.yaml');
  const { plans, problems } = buildRepatriationPlans(file, readYamlFile(file), scope);
  if (!plans) throw new DefinitionError(problems);
  return plans;
}

/** The plan that fits a case: the first whose condition holds. */
export function planFor(plans: RepatriationPlans, answers: Answers): PlanDefinition | undefined {
  return plans.plans.find((p) => evaluate(p.when, { answers }));
}

/** The steps of a plan that apply to a case, each with its agency resolved. */
export function stepsFor(plan: PlanDefinition, answers: Answers): (StepDefinition & { agencyId: string })[] {
  const nationality = typeof answers.nationality === 'string' ? answers.nationality : undefined;
  return plan.steps
    .filter((s) => !s.onlyIf || evaluate(s.onlyIf, { answers }))
    .map((s) => ({ ...s, agencyId: typeof s.agency === 'string' ? s.agency : ((nationality && s.agency.byNationality[nationality]) ?? s.agency.otherwise) }));
}
