/**
 * Compiling a condition of a deployer's file and checking what it refers to (keys of the
 * dictionary, case types of the policy), reporting each problem with its file and path. Shared by
 * the data files that test answers outside the flows and the policy (services, return plans).
 */
import type { Problem } from '../core/errors.ts';
import type { Dictionary } from '../flow/types.ts';
import { type Condition, ConditionError, compileCondition, conditionRefs } from './condition.ts';

/** What a condition may refer to besides answer keys. */
export interface ConditionScope {
  dictionary: Dictionary;
  /** Case types a condition may test; none allowed when absent. */
  caseTypes?: ReadonlySet<string>;
}

/** Compiles `raw`; on a problem records it and returns a condition that never holds. */
export function checkedCondition(raw: unknown, file: string, path: string, scope: ConditionScope, problems: Problem[]): Condition {
  try {
    const cond = compileCondition(raw, path);
    const refs = conditionRefs(cond);
    for (const k of refs.keys) if (!scope.dictionary[k]) problems.push({ file, path, message: `unknown key "${k}"` });
    if (refs.indicators.length || refs.anyIndicator) problems.push({ file, path, message: 'indicators cannot be tested here' });
    for (const c of refs.caseTypes) {
      if (!scope.caseTypes) problems.push({ file, path, message: 'case_type cannot be tested here' });
      else if (!scope.caseTypes.has(c)) problems.push({ file, path, message: `unknown case type "${c}"` });
    }
    return cond;
  } catch (err) {
    if (!(err instanceof ConditionError)) throw err;
    problems.push({ file, path: err.path, message: err.message.slice(err.path.length + 2) });
    return { op: 'any', of: [] };
  }
}
