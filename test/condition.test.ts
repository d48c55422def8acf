/**
 * The condition language shared by flows and the policy (src/rules/condition.ts): each row compiles
 * a YAML-shaped condition and evaluates it against answers. A test on an unanswered key is false
 * (except `known: false`), so `{ nationality: { not: TH } }` never matches a skipped question.
 */
import { describe, expect, it } from 'vitest';
import type { Answers } from '../src/flow/types.ts';
import { ConditionError, type ConditionContext, compileCondition, conditionRefs, evaluate } from '../src/rules/condition.ts';

const holds = (raw: unknown, ctx: ConditionContext): boolean => evaluate(compileCondition(raw, 'when'), ctx);

// [what it shows, condition, answers, expected]
const answerCases: [string, unknown, Answers, boolean][] = [
  // equality
  ['a value matches the same answer', { role: 'family' }, { role: 'family' }, true],
  ['a value does not match another answer', { role: 'family' }, { role: 'self' }, false],
  ['a number value matches a numeric answer', { missing_age: 17 }, { missing_age: 17 }, true],
  ['several entries must all hold (both do)', { nationality: 'TH', current_country: 'KH' }, { nationality: 'TH', current_country: 'KH' }, true],
  ['several entries must all hold (one does not)', { nationality: 'TH', current_country: 'KH' }, { nationality: 'TH', current_country: 'TH' }, false],
  // lists
  ['a list matches any of its values', { current_country: ['KH', 'MM'] }, { current_country: 'MM' }, true],
  ['a list does not match a value outside it', { current_country: ['KH', 'MM'] }, { current_country: 'TH' }, false],
  // not
  ['{ not: X } matches another value', { nationality: { not: 'TH' } }, { nationality: 'KH' }, true],
  ['{ not: X } does not match X', { nationality: { not: 'TH' } }, { nationality: 'TH' }, false],
  ['{ not: [X, Y] } excludes every listed value', { nationality: { not: ['TH', 'KH'] } }, { nationality: 'KH' }, false],
  ['{ not: [X, Y] } matches a value outside the list', { nationality: { not: ['TH', 'KH'] } }, { nationality: 'MM' }, true],
  // known
  ['known: true on an answered key', { nationality: { known: true } }, { nationality: 'OTHER' }, true],
  ['known: true on an unanswered key', { nationality: { known: true } }, {}, false],
  ['known: false on an unanswered key', { nationality: { known: false } }, {}, true],
  ['known: false on an answered key', { nationality: { known: false } }, { nationality: 'TH' }, false],
  ['known: true on a location (an object)', { location: { known: true } }, { location: { lat: 11.5, lon: 104.9 } }, true],
  // below / at_least
  ['below: 18 with 17', { missing_age: { below: 18 } }, { missing_age: 17 }, true],
  ['below: 18 with 18', { missing_age: { below: 18 } }, { missing_age: 18 }, false],
  ['at_least: 18 with 18', { missing_age: { at_least: 18 } }, { missing_age: 18 }, true],
  ['at_least: 18 with 17', { missing_age: { at_least: 18 } }, { missing_age: 17 }, false],
  ['below: 18 with a numeric string', { missing_age: { below: 18 } }, { missing_age: '9' }, true],
  ['below: 18 with text that is not a number', { missing_age: { below: 18 } }, { missing_age: 'young' }, false],
  ['at_least: 0 with text that is not a number', { missing_age: { at_least: 0 } }, { missing_age: 'young' }, false],
  // multi-select answers: a value test means "includes"
  ['multi: includes the value', { needs: 'go_home' }, { needs: ['medical', 'go_home'] }, true],
  ['multi: does not include the value', { needs: 'go_home' }, { needs: ['medical', 'food'] }, false],
  ['multi: a list matches when any listed value is included', { needs: ['shelter', 'food'] }, { needs: ['legal', 'food'] }, true],
  ['multi: { not: X } when X is not included', { needs: { not: 'go_home' } }, { needs: ['medical'] }, true],
  ['multi: { not: X } when X is among several', { needs: { not: 'go_home' } }, { needs: ['medical', 'go_home'] }, false],
  // unanswered keys are false, even for { not: X }
  ['unanswered: a value test is false', { nationality: 'TH' }, {}, false],
  ['unanswered: { not: X } is false', { nationality: { not: 'TH' } }, {}, false],
  ['unanswered: { not: [X, Y] } is false', { nationality: { not: ['TH', 'KH'] } }, {}, false],
  ['unanswered: below is false', { missing_age: { below: 18 } }, {}, false],
  ['unanswered: at_least is false', { missing_age: { at_least: 0 } }, {}, false],
  ['unanswered (explicitly undefined) is false', { nationality: { not: 'TH' } }, { nationality: undefined }, false],
  // all / any / not nesting
  ['any: one branch holds', { any: [{ in_danger_now: 'yes' }, { ransom_demanded: 'yes' }] }, { ransom_demanded: 'yes' }, true],
  ['any: no branch holds', { any: [{ in_danger_now: 'yes' }, { ransom_demanded: 'yes' }] }, { in_danger_now: 'no' }, false],
  ['all: every branch holds', { all: [{ age_group: 'child' }, { free_to_leave: 'no' }] }, { age_group: 'child', free_to_leave: 'no' }, true],
  ['all: one branch fails', { all: [{ age_group: 'child' }, { free_to_leave: 'no' }] }, { age_group: 'adult', free_to_leave: 'no' }, false],
  ['not: negates a holding condition', { not: { role: 'family' } }, { role: 'family' }, false],
  ['not: negates a failing condition', { not: { role: 'family' } }, { role: 'self' }, true],
  // The logical `not` negates the whole test, so it does hold for a skipped key (unlike { key: { not: X } }).
  ['not: of an unanswered test holds (logical negation)', { not: { nationality: 'TH' } }, {}, true],
  [
    'nested any / all / not',
    { any: [{ in_danger_now: 'yes' }, { all: [{ age_group: 'child' }, { not: { free_to_leave: 'yes' } }] }] },
    { in_danger_now: 'no', age_group: 'child', free_to_leave: 'unsure' },
    true,
  ],
  [
    'nested any / all / not (inner not fails)',
    { any: [{ in_danger_now: 'yes' }, { all: [{ age_group: 'child' }, { not: { free_to_leave: 'yes' } }] }] },
    { in_danger_now: 'no', age_group: 'child', free_to_leave: 'yes' },
    false,
  ],
  ['an entry beside all/any must hold too', { role: 'family', any: [{ current_country: 'KH' }, { current_country: 'MM' }] }, { role: 'self', current_country: 'KH' }, false],
];

describe('evaluate: answer tests', () => {
  it.each(answerCases)('%s', (_what, raw, answers, expected) => {
    expect(holds(raw, { answers })).toBe(expected);
  });
});

describe('evaluate: indicator and case_type (policy only)', () => {
  const cases: [string, unknown, ConditionContext, boolean][] = [
    ['indicator: any with indicators', { indicator: 'any' }, { answers: {}, indicators: ['isolation'] }, true],
    ['indicator: any without indicators', { indicator: 'any' }, { answers: {}, indicators: [] }, false],
    ['indicator: any with no indicator context (a flow)', { indicator: 'any' }, { answers: {} }, false],
    ['indicator: [ids] when one is found', { indicator: ['documents_taken', 'debt_bondage'] }, { answers: {}, indicators: ['debt_bondage'] }, true],
    ['indicator: [ids] when none is found', { indicator: ['documents_taken', 'debt_bondage'] }, { answers: {}, indicators: ['isolation'] }, false],
    ['case_type: match', { case_type: ['unclear', 'missing_person'] }, { answers: {}, caseType: 'missing_person' }, true],
    ['case_type: no match', { case_type: ['unclear', 'missing_person'] }, { answers: {}, caseType: 'child_at_risk' }, false],
    ['case_type: unknown case type is false', { case_type: 'unclear' }, { answers: {} }, false],
  ];
  it.each(cases)('%s', (_what, raw, ctx, expected) => {
    expect(holds(raw, ctx)).toBe(expected);
  });
});

describe('conditionRefs', () => {
  it('lists every key, indicator and case type, however deeply nested', () => {
    const cond = compileCondition(
      { role: 'family', any: [{ not: { nationality: 'TH' } }, { all: [{ indicator: ['isolation'] }, { case_type: 'unclear' }] }] },
      'when',
    );
    expect(conditionRefs(cond)).toEqual({ keys: ['role', 'nationality'], indicators: ['isolation'], anyIndicator: false, caseTypes: ['unclear'] });
  });

  it('notes { indicator: any }, so that the checks can refuse it where there are no indicators', () => {
    expect(conditionRefs(compileCondition({ all: [{ indicator: 'any' }] }, 'when')).anyIndicator).toBe(true);
  });
});

// [what is wrong, condition, the path the error must name]
const compileErrors: [string, unknown, string][] = [
  ['an empty mapping', {}, 'when'],
  ['null', null, 'when'],
  ['a list instead of a mapping', [{ role: 'family' }], 'when'],
  ['a bare string', 'yes', 'when'],
  ['any with an empty list', { any: [] }, 'when.any'],
  ['all that is not a list', { all: { role: 'family' } }, 'when.all'],
  ['an empty condition inside any', { any: [{ role: 'family' }, {}] }, 'when.any[1]'],
  ['an empty condition inside not inside all', { all: [{ not: {} }] }, 'when.all[0].not'],
  ['an unknown answer test', { role: { maybe: 'family' } }, 'when.role'],
  ['known that is not a boolean', { nationality: { known: 'yes' } }, 'when.nationality'],
  ['below that is not a number', { missing_age: { below: 'eighteen' } }, 'when.missing_age'],
  ['an answer test with two operators', { missing_age: { below: 18, at_least: 3 } }, 'when.missing_age'],
  ['not with an empty list', { nationality: { not: [] } }, 'when.nationality.not'],
  ['a boolean value', { in_danger_now: true }, 'when.in_danger_now'],
  ['an empty list of values', { current_country: [] }, 'when.current_country'],
  ['indicator with a nested list', { indicator: [['isolation']] }, 'when.indicator'],
  ['a deeply nested bad test', { any: [{ all: [{ role: 'self' }, { nationality: { not: {} } }] }] }, 'when.any[0].all[1].nationality.not'],
];

describe('compileCondition errors name the path', () => {
  it.each(compileErrors)('%s', (_what, raw, path) => {
    let caught: unknown;
    try {
      compileCondition(raw, 'when');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConditionError);
    const err = caught as ConditionError;
    expect(err.path).toBe(path);
    expect(err.message.startsWith(`${path}: `)).toBe(true);
  });

  it('a well-formed condition compiles', () => {
    expect(() => compileCondition({ any: [{ role: 'family' }, { missing_age: { below: 18 } }] }, 'when')).not.toThrow();
  });
});
