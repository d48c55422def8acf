/**
 * Stories into answers (issue 13 item 2), the model call and its checks, against the fake model
 * server: a Khmer story becomes proposals checked against flows/dictionary.yaml; unknown keys and
 * values, consent, and words not in the story are dropped; no name, phone or passport leaves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.ts';
import { loadDefinitions } from '../src/definitions.ts';
import { checkValue, StoryExtractor } from '../src/llm/extract.ts';
import { LlmClient } from '../src/llm/llm-client.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { type FakeOpenAI, startFakeOpenAI, userText } from './fakes/fake-openai.ts';

const { flows } = loadDefinitions('./flows', './locales');
const dictionary = flows.dictionary;

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => fake.close());
afterEach(() => {
  fake.hits = [];
  fake.always = undefined;
});

const extractor = (env: Record<string, string> = {}) =>
  new StoryExtractor(new LlmClient(loadConfig({ LLM_BASE_URL: fake.url, LLM_MODEL: 'm', LLM_FEATURES: 'extract', LLM_TIMEOUT_MS: '700', LLM_REDACT: 'on', ...env }), openSqliteStore(':memory:')), dictionary);

// "My brother Sokha went to work in Sihanoukville. They took his passport N01234567 and he cannot leave. They beat him. Call me on 012 345 678."
const STORY = 'ប្អូនប្រុសខ្ញុំ សុខា ទៅធ្វើការនៅក្រុងព្រះសីហនុ។ គេយកលិខិតឆ្លងដែន N01234567 របស់គាត់ ហើយគាត់ចេញមិនបានទេ។ គេវាយគាត់។ ទូរស័ព្ទមកខ្ញុំ 012 345 678។';

describe('StoryExtractor', () => {
  it('turns a Khmer story into checked proposals, each with its words', async () => {
    fake.respond = () => ({
      danger: false,
      answers: [
        { key: 'current_country', value: 'KH', evidence: 'ក្រុងព្រះសីហនុ' },
        { key: 'documents_taken', value: 'yes', evidence: 'គេយកលិខិតឆ្លងដែន [[PASSPORT_1]] របស់គាត់' },
        { key: 'free_to_leave', value: 'no', evidence: 'គាត់ចេញមិនបានទេ' },
        { key: 'threats_or_violence', value: 'yes', evidence: 'គេវាយគាត់' },
        // Dropped: a key the dictionary does not have, a value it does not allow, consent, words not in the story.
        { key: 'favourite_colour', value: 'blue', evidence: 'សុខា' },
        { key: 'debt_bondage', value: 'maybe', evidence: 'គេវាយគាត់' },
        { key: 'consent_share', value: 'yes', evidence: 'ទូរស័ព្ទមកខ្ញុំ' },
        { key: 'wages_withheld', value: 'yes', evidence: 'they did not pay him' },
        // A second answer for a key already proposed: the first stands.
        { key: 'free_to_leave', value: 'yes', evidence: 'ទៅធ្វើការ' },
      ],
    });
    const got = await extractor().extract(STORY, { lang: 'km', sensitive: ['សុខា'] });
    expect(got).toEqual({
      danger: false,
      proposals: [
        { key: 'current_country', value: 'KH', evidence: 'ក្រុងព្រះសីហនុ' },
        { key: 'documents_taken', value: 'yes', evidence: 'គេយកលិខិតឆ្លងដែន N01234567 របស់គាត់' },
        { key: 'free_to_leave', value: 'no', evidence: 'គាត់ចេញមិនបានទេ' },
        { key: 'threats_or_violence', value: 'yes', evidence: 'គេវាយគាត់' },
      ],
    });
  });

  it('sends the schema and no name, phone or passport number of the conversation', async () => {
    fake.respond = () => ({ danger: false, answers: [] });
    await extractor().extract(STORY, { lang: 'km', sensitive: ['សុខា'] });
    const hit = fake.chats()[0]!;
    expect(hit.body.response_format?.json_schema?.name).toBe('story_answers');
    expect(hit.body.response_format?.json_schema?.schema).toMatchObject({ required: expect.arrayContaining(['answers', 'danger']) });
    const sent = userText(hit);
    for (const secret of ['សុខា', 'N01234567', '345 678']) expect(sent).not.toContain(secret);
    expect(sent).toContain('ក្រុងព្រះសីហនុ');
    // The instructions name keys, never consent.
    expect(hit.body.messages[0]!.content).toContain('documents_taken');
    expect(hit.body.messages[0]!.content).not.toContain('consent_share');
  });

  it('passes the danger it sees, and skips keys already answered', async () => {
    fake.respond = () => ({ danger: true, answers: [{ key: 'in_danger_now', value: 'yes', evidence: 'គេវាយគាត់' }, { key: 'threats_or_violence', value: 'yes', evidence: 'គេវាយគាត់' }] });
    const got = await extractor().extract(STORY, { answered: ['threats_or_violence'] });
    expect(got).toEqual({ danger: true, proposals: [{ key: 'in_danger_now', value: 'yes', evidence: 'គេវាយគាត់' }] });
  });

  it.each(['hang', 'error', 'garbage', 'refuse'] as const)('%s: no proposals, within the timeout', async (fault) => {
    fake.always = fault;
    const started = Date.now();
    expect(await extractor().extract(STORY)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(700 + 800);
  });

  it('off: not one request', async () => {
    expect(await extractor({ LLM_FEATURES: 'summary' }).extract(STORY)).toBeUndefined();
    expect(fake.hits).toHaveLength(0);
  });
});

describe('checkValue', () => {
  it.each([
    ['documents_taken', 'yes', 'yes'],
    ['documents_taken', 'Yes', undefined],
    ['current_country', 'KH', 'KH'],
    ['current_country', 'Cambodia', undefined],
    ['needs', ['shelter', 'go_home', 'pizza'], ['shelter', 'go_home']],
    ['needs', 'medical,food', ['medical', 'food']],
    ['missing_age', '17', '17'],
    ['missing_age', '300', undefined],
    ['age_group', 'child', 'child'],
  ] as const)('%s %j -> %j', (key, value, expected) => {
    expect(checkValue(dictionary[key]!, value as string | string[])).toEqual(expected);
  });
});
