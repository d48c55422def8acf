/**
 * The evaluation's parts that need no model: the shipped stories fit the dictionary (5 or more per
 * language), redaction finds their private details, and the scorer counts as it should.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/definitions.ts';
import { type Counts, loadStories, redactionMisses, report, score } from '../src/llm/eval-score.ts';

const { flows } = loadDefinitions('./flows', './locales');
const stories = loadStories('eval/llm-stories.yaml', flows.dictionary);

describe('the shipped stories', () => {
  it('has at least 5 stories in each of the 7 languages, each with answers', () => {
    for (const lang of ['th', 'en', 'km', 'my', 'lo', 'vi', 'zh']) expect(stories.filter((s) => s.lang === lang).length).toBeGreaterThanOrEqual(5);
    expect(stories.every((s) => Object.keys(s.answers).length > 0)).toBe(true);
  });

  it('redaction hides every number and every name introduced by a cue; the one name without a cue is a known miss', () => {
    expect(stories.flatMap((s) => redactionMisses(s).map((m) => `${s.id}: ${m}`))).toEqual(['en-3: Mali']);
  });
});

describe('score', () => {
  it('counts true and false positives and misses per language and key', () => {
    const counts = new Map<string, Counts>();
    const story = stories.find((s) => s.id === 'km-1')!;
    score(counts, story, [
      { key: 'current_country', value: 'TH', evidence: 'ថៃ' },
      { key: 'documents_taken', value: 'no', evidence: 'x' },
      { key: 'isolation', value: 'yes', evidence: 'x' },
    ]);
    expect(Object.fromEntries(counts)).toEqual({
      'km|current_country': { tp: 1, fp: 0, fn: 0 },
      'km|documents_taken': { tp: 0, fp: 1, fn: 1 },
      'km|isolation': { tp: 0, fp: 1, fn: 0 },
      'km|wages_withheld': { tp: 0, fp: 0, fn: 1 },
    });
    expect(report(counts)).toMatch(/km\s+current_country\s+100%\s+100%/);
  });
});
