/**
 * Why a ticket has its priority, in terms of the policy's own rules: the rule that set it (its
 * `because`), and the answers and indicators that rule looks at. Pure; the ticket page shows it.
 */
import type { Answers } from '../flow/types.ts';
import { conditionRefs, evaluate } from '../rules/condition.ts';
import type { Policy } from './policy.ts';

/** The reason for a priority: a rule, or none (the default, lowest priority). */
export interface PriorityReason {
  priority: string;
  /** The matching rule's `because`; undefined when no rule matched and the default applies. */
  because?: string;
  /** The answer keys the rule tests that this ticket answered. */
  keys: string[];
  /** The indicators the rule names that this ticket has. */
  indicators: string[];
}

/**
 * The reason under the current policy; undefined when the current policy would give another
 * priority (the ticket was assessed under an earlier version, so its reason is not known here).
 */
export function priorityReason(policy: Policy, answers: Answers, indicators: readonly string[], priority: string): PriorityReason | undefined {
  const rule = policy.priorityRules.find((r) => evaluate(r.when, { answers, indicators }));
  const given = rule?.priority ?? policy.priorities.at(-1)!;
  if (given !== priority) return undefined;
  if (!rule) return { priority, keys: [], indicators: [] };
  const refs = conditionRefs(rule.when);
  return {
    priority,
    because: rule.because,
    keys: [...new Set(refs.keys)].filter((k) => answers[k] !== undefined),
    indicators: [...new Set(refs.indicators)].filter((i) => indicators.includes(i)),
  };
}
