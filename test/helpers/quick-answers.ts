/**
 * The shortened screening asks some things in one question: "which of these happened?" (a
 * multi-select whose items stand for yes/no keys) and one consent question with three answers. A
 * script written per dictionary key (documents_taken: yes, consent_cross_border: no, ...) answers
 * those questions the way the person would: it picks what its keys say. Read from the dictionary's
 * `implies`, so that the scripts need not know the new questions.
 */
import { loadFlows } from '../../src/flow/load.ts';

const dictionary = loadFlows('flows').dictionary;

/**
 * The choice ids that answer `key` from per-key answers (`given(k)` is the scripted value of `k`),
 * or undefined when the key implies nothing or nothing fits (the script then skips). For a
 * multi-select: every item whose implied answers the script gives; for a choice: the item that fits
 * best (most implied answers given, none contradicted; the first on a tie).
 */
export function impliedChoice(key: string, given: (k: string) => string | undefined): string[] | undefined {
  const def = dictionary[key];
  if (!def?.implies) return undefined;
  const scored = Object.entries(def.implies).map(([value, implied]) => {
    const entries = Object.entries(implied);
    const conflict = entries.some(([k, v]) => given(k) !== undefined && given(k) !== v);
    const matches = entries.filter(([k, v]) => given(k) === v).length;
    return { value, score: conflict ? -1 : matches };
  });
  if (def.type === 'multi') {
    const picks = scored.filter((s) => s.score > 0).map((s) => s.value);
    return picks.length ? picks : undefined;
  }
  const best = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score)[0];
  return best ? [best.value] : undefined;
}

/** Whether a key is a multi-select (answered on LINE and Telegram one tap at a time, then Done). */
export function isMulti(key: string): boolean {
  return dictionary[key]?.type === 'multi';
}
