/**
 * Answers that stand for other answers. One "which of these happened?" multi-select replaces ten
 * yes/no questions: each picked value records the dictionary key it stands for (`documents` ->
 * `documents_taken: yes`, `cannot_leave` -> `free_to_leave: no`). A value left unpicked records
 * nothing: not picking is not a "no", since a person in a hurry may not read every line.
 */
import type { Problem } from '../core/errors.ts';
import { choiceIds } from './interpret.ts';
import type { AnswerValue, Answers, Dictionary, KeyDef } from './types.ts';

/** The answers that `value` (one id, or a multi-select's ids) of a key stands for. */
export function impliedAnswers(def: KeyDef, value: AnswerValue): Answers {
  if (!def.implies) return {};
  const ids = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const out: Answers = {};
  for (const id of ids) Object.assign(out, def.implies[id as string] ?? {});
  return out;
}

/** Checks every `implies`: its values belong to the key, and what they imply are known keys and values. */
export function impliesProblems(dictionary: Dictionary, where: (key: string) => { file: string; path: string }): Problem[] {
  const problems: Problem[] = [];
  for (const [key, def] of Object.entries(dictionary)) {
    for (const [value, answers] of Object.entries(def.implies ?? {})) {
      const { file, path } = where(key);
      const at = `${path}keys.${key}.implies.${value}`;
      if (!choiceIds(def).includes(value)) problems.push({ file, path: at, message: `"${value}" is not a value of ${key}` });
      for (const [k, v] of Object.entries(answers)) {
        const target = dictionary[k];
        if (!target) problems.push({ file, path: `${at}.${k}`, message: `unknown key "${k}"` });
        else if (!['choice', 'yesno'].includes(target.type) || !choiceIds(target).includes(v)) problems.push({ file, path: `${at}.${k}`, message: `"${v}" is not a value of ${k}` });
        else if (k === key) problems.push({ file, path: `${at}.${k}`, message: 'a key cannot imply itself' });
      }
    }
    // Values that answer at once must be values of a multi-select.
    for (const [i, value] of (def.alone ?? []).entries()) {
      const { file, path } = where(key);
      if (def.type !== 'multi') problems.push({ file, path: `${path}keys.${key}.alone`, message: 'only a multi-select has values that answer at once' });
      else if (!choiceIds(def).includes(value)) problems.push({ file, path: `${path}keys.${key}.alone[${i}]`, message: `"${value}" is not a value of ${key}` });
    }
  }
  return problems;
}
