/**
 * Scoring for `npm run eval:llm` (issue 13 item 8): the shipped stories, what redaction leaves of
 * their private details, and precision and recall of the proposed answers per key and language.
 */
import { z } from 'zod';
import { readYamlFile } from '../core/yaml-file.ts';
import type { Dictionary } from '../flow/types.ts';
import { checkValue, type Proposal } from './extract.ts';
import { Redaction } from './redact.ts';

const storySchema = z.strictObject({
  id: z.string().min(1),
  lang: z.enum(['th', 'en', 'km', 'my', 'lo', 'vi', 'zh']),
  text: z.string().min(1),
  answers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  private: z.array(z.string().min(1)).optional(),
});

/** One shipped story with the answers it should give. */
export type Story = z.infer<typeof storySchema>;

/** Reads and checks the stories; every expected answer must fit the dictionary. */
export function loadStories(file: string, dictionary: Dictionary): Story[] {
  const stories = z.array(storySchema).parse(readYamlFile(file));
  for (const s of stories) {
    for (const [key, value] of Object.entries(s.answers)) {
      const def = dictionary[key];
      if (!def || checkValue(def, value) === undefined) throw new Error(`${file}: story ${s.id}: ${key}=${JSON.stringify(value)} is not a dictionary answer`);
    }
  }
  return stories;
}

/** The private details of a story that would still be in the request after redaction. */
export function redactionMisses(story: Story): string[] {
  const sent = new Redaction().redact(story.text);
  return (story.private ?? []).filter((p) => sent.includes(p));
}

/** Counts of one key in one language. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);

/** Adds one story's result to the counts, by `lang|key`. */
export function score(counts: Map<string, Counts>, story: Story, proposals: Proposal[]): void {
  const at = (key: string) => {
    const k = `${story.lang}|${key}`;
    let c = counts.get(k);
    if (!c) counts.set(k, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  for (const p of proposals) {
    const expected = story.answers[p.key];
    if (expected !== undefined && same(expected, p.value)) at(p.key).tp += 1;
    else at(p.key).fp += 1;
  }
  for (const key of Object.keys(story.answers)) if (!proposals.some((p) => p.key === key && same(story.answers[key], p.value))) at(key).fn += 1;
}

const pct = (n: number, d: number) => (d === 0 ? '   -' : `${Math.round((100 * n) / d)}%`.padStart(4));

/** The report: a line per language and key, then totals per language. */
export function report(counts: Map<string, Counts>): string {
  const lines = ['lang  key                    precision  recall   (tp fp fn)'];
  const byLang = new Map<string, Counts>();
  for (const [k, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const [lang, key] = k.split('|') as [string, string];
    lines.push(`${lang.padEnd(5)} ${key.padEnd(22)} ${pct(c.tp, c.tp + c.fp).padStart(9)}  ${pct(c.tp, c.tp + c.fn).padStart(6)}   (${c.tp} ${c.fp} ${c.fn})`);
    const t = byLang.get(lang) ?? { tp: 0, fp: 0, fn: 0 };
    byLang.set(lang, { tp: t.tp + c.tp, fp: t.fp + c.fp, fn: t.fn + c.fn });
  }
  lines.push('', 'lang  all keys               precision  recall');
  for (const [lang, c] of byLang) lines.push(`${lang.padEnd(5)} ${''.padEnd(22)} ${pct(c.tp, c.tp + c.fp).padStart(9)}  ${pct(c.tp, c.tp + c.fn).padStart(6)}`);
  return lines.join('\n');
}
