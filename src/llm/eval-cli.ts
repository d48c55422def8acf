/**
 * `npm run eval:llm`: plays the shipped stories (eval/llm-stories.yaml) against the configured
 * model (LLM_BASE_URL, LLM_MODEL; the `extract` feature is used whatever LLM_FEATURES says) and
 * prints precision and recall per key and language, and the redaction misses. Needs a model, so it
 * is not part of `npm test`.
 */
import path from 'node:path';
import { loadConfig } from '../config/env.ts';
import { loadDefinitions } from '../definitions.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { type Counts, loadStories, redactionMisses, report, score } from './eval-score.ts';
import { StoryExtractor } from './extract.ts';
import { LlmClient } from './llm-client.ts';

const config = loadConfig();
if (!config.LLM_BASE_URL || !config.LLM_MODEL) {
  console.error('eval:llm needs a model: set LLM_BASE_URL and LLM_MODEL (e.g. LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=qwen2.5:7b for Ollama).');
  process.exit(2);
}
const { flows } = loadDefinitions(config.FLOWS_DIR, config.LOCALES_DIR);
const stories = loadStories(path.resolve('eval/llm-stories.yaml'), flows.dictionary);
// A failure must not pause the run: every story is tried.
const llm = new LlmClient({ ...config, LLM_FEATURES: ['extract'], LLM_PAUSE_AFTER_FAILURES: 1000 }, openSqliteStore(':memory:'));
const extractor = new StoryExtractor(llm, flows.dictionary);

const counts = new Map<string, Counts>();
const misses: string[] = [];
let failed = 0;
const started = Date.now();
for (const story of stories) {
  for (const m of redactionMisses(story)) misses.push(`${story.id}: ${m}`);
  const got = await extractor.extract(story.text, { lang: story.lang });
  if (!got) failed += 1;
  score(counts, story, got?.proposals ?? []);
  process.stderr.write('.');
}
process.stderr.write('\n');
console.log(`model ${config.LLM_MODEL} at ${config.LLM_BASE_URL}, ${stories.length} stories, ${failed} without an answer (timeout, error, garbage), ${Math.round((Date.now() - started) / 1000)} s`);
console.log(report(counts));
console.log(`\nredaction misses (${misses.length}):${misses.length ? `\n  ${misses.join('\n  ')}` : ' none'}`);
