/**
 * The shortened screening asks some things in one question: "which of these happened?" (a
 * multi-select whose items stand for yes/no keys) and one consent question with three answers. A
 * script written per dictionary key (documents_taken: yes, consent_cross_border: no, ...) answers
 * those questions the way the person would: it picks what its keys say. Read from the dictionary's
 * `implies`, so that the scripts need not know the new questions.
 */
import { loadFlows } from '../../src/flow/load.ts';
import { impliedChoice as impliedFromDictionary } from '../../src/training/persona-player.ts';

const dictionary = loadFlows('flows').dictionary;

/**
 * The choice ids that answer `key` from per-key answers (`given(k)` is the scripted value of `k`),
 * or undefined when the key implies nothing or nothing fits (the script then skips). For a
 * multi-select: every item whose implied answers the script gives; for a choice: the item that fits
 * best (most implied answers given, none contradicted; the first on a tie).
 */
export function impliedChoice(key: string, given: (k: string) => string | undefined): string[] | undefined {
  // The same reading as the training personas' (src/training/persona-player.ts).
  return impliedFromDictionary(dictionary, key, given);
}

/** Whether a key is a multi-select (answered on LINE and Telegram one tap at a time, then Done). */
export function isMulti(key: string): boolean {
  return dictionary[key]?.type === 'multi';
}
