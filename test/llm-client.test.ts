/**
 * The assist's client (src/llm/llm-client.ts) against a fake OpenAI-compatible server: the schema
 * travels with the request, personal details never leave, and every failure is "as if off" within
 * the timeout, audited, and pauses the feature when repeated.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../src/config/env.ts';
import { LlmClient } from '../src/llm/llm-client.ts';
import { Redaction } from '../src/llm/redact.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { type FakeOpenAI, startFakeOpenAI, userText } from './fakes/fake-openai.ts';

let fake: FakeOpenAI;
let store: Store;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => fake.close());
afterEach(() => {
  fake.faults = [];
  fake.always = undefined;
  fake.hits = [];
});

const shape = z.strictObject({ text: z.string() });

function client(env: Record<string, string> = {}) {
  store = openSqliteStore(':memory:');
  const config = loadConfig({ LLM_BASE_URL: fake.url, LLM_MODEL: 'test-model', LLM_FEATURES: 'translate,summary', LLM_TIMEOUT_MS: '600', LLM_REDACT: 'on', ...env });
  return new LlmClient(config, store);
}

const ask = (c: LlmClient, user = 'hello', sensitive: string[] = []) =>
  c.structured({ feature: 'translate', system: 'Translate.', user, schemaName: 'translation', schema: shape, sensitive });

describe('configuration', () => {
  it('is off by default, and an empty LLM_FEATURES sends not one request', async () => {
    expect(loadConfig({}).LLM_FEATURES).toEqual([]);
    const c = client({ LLM_FEATURES: '' });
    expect(await ask(c)).toBeUndefined();
    expect(await c.transcribe(Buffer.from('OggS'), 'audio/ogg', 'v.ogg')).toBeUndefined();
    expect(fake.hits).toHaveLength(0);
    expect(await store.recentLlmCalls(10)).toHaveLength(0);
  });

  it.each([
    [{ LLM_FEATURES: 'translate' }, 'LLM_BASE_URL'],
    [{ LLM_FEATURES: 'summary', LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, 'LLM_MODEL'],
    [{ LLM_FEATURES: 'transcribe', LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, 'LLM_TRANSCRIBE_MODEL'],
    [{ LLM_FEATURES: 'translate,poetry', LLM_BASE_URL: 'http://127.0.0.1:1/v1', LLM_MODEL: 'm' }, 'LLM_FEATURES'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('redacts by default unless the endpoint is on loopback', () => {
    const on = (env: Record<string, string>) => new LlmClient(loadConfig({ LLM_FEATURES: 'summary', LLM_MODEL: 'm', ...env }), openSqliteStore(':memory:')).redacts;
    expect(on({ LLM_BASE_URL: 'https://api.openai.com/v1' })).toBe(true);
    expect(on({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1' })).toBe(false);
    expect(on({ LLM_BASE_URL: 'http://localhost:8080/v1' })).toBe(false);
    expect(on({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_REDACT: 'on' })).toBe(true);
  });
});

describe('a structured call', () => {
  it('carries its JSON schema and returns the checked answer', async () => {
    fake.respond = () => ({ text: 'สวัสดี' });
    const c = client();
    expect(await ask(c)).toEqual({ text: 'สวัสดี' });
    const hit = fake.chats()[0]!;
    expect(hit.body.model).toBe('test-model');
    expect(hit.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'translation', schema: { type: 'object', properties: { text: { type: 'string' } } } } });
    const [row] = await store.recentLlmCalls(1);
    expect(row).toMatchObject({ feature: 'translate', model: 'test-model', outcome: 'ok', completionTokens: 20, redacted: true });
    expect(row!.promptTokens).toBeGreaterThan(0);
  });

  it('sends no name, phone, passport, ID, bank number or e-mail, and puts them back in the answer', async () => {
    // The "model" echoes what it got: what comes back must be the original again.
    fake.respond = (hit) => ({ text: userText(hit) });
    const story = 'My name is Sokha Chan, call my sister on +855 12 345 678 or sokha.chan@example.com. Passport N01234567, ID 1-2345-67890-12-3, they took 20000 baht to account 123-4-56789-0. Dara knows.';
    const c = client();
    expect(await ask(c, story, ['Dara'])).toEqual({ text: story });
    const sent = userText(fake.chats()[0]!);
    for (const secret of ['Sokha', 'Chan', '345 678', 'sokha.chan', 'N01234567', '67890', '56789', 'Dara']) expect(sent).not.toContain(secret);
    expect(sent).toContain('[[NAME_1]]');
    expect(sent).toContain('20000 baht');
  });
});

describe('failure is as if the feature were off', () => {
  it.each(['hang', 'error', 'garbage', 'refuse'] as const)('%s: undefined within the timeout, audited', async (fault) => {
    fake.always = fault;
    const c = client();
    const started = Date.now();
    expect(await ask(c)).toBeUndefined();
    // The SDK retries a 500 twice; the whole of it stays within LLM_TIMEOUT_MS (600) plus scheduling.
    expect(Date.now() - started).toBeLessThan(1500);
    const [row] = await store.recentLlmCalls(1);
    // A 500 is retried by the SDK with back-off until the bound cuts it: the bound wins.
    expect(row?.outcome).toBe({ hang: 'timeout', error: 'timeout', garbage: 'invalid', refuse: 'refusal' }[fault]);
    if (fault === 'error') expect(fake.hits.length).toBeGreaterThanOrEqual(2);
  });

  it('an error after the retries, inside the bound, is an error', async () => {
    fake.always = 'error';
    const c = client({ LLM_TIMEOUT_MS: '10000' });
    expect(await ask(c)).toBeUndefined();
    expect(fake.hits).toHaveLength(3);
    expect((await store.recentLlmCalls(1))[0]?.outcome).toBe('error');
  }, 15_000);

  it('an answer of the wrong shape is dropped', async () => {
    fake.respond = () => ({ words: 42 });
    expect(await ask(client())).toBeUndefined();
    expect((await store.recentLlmCalls(1))[0]?.outcome).toBe('invalid');
  });

  it('repeated failures pause the feature: no more requests until the pause ends', async () => {
    fake.always = 'garbage';
    let now = new Date('2026-12-01T10:00:00Z');
    store = openSqliteStore(':memory:');
    const logged: { obj: object; msg: string }[] = [];
    const c = new LlmClient(loadConfig({ LLM_BASE_URL: fake.url, LLM_MODEL: 'm', LLM_FEATURES: 'translate,summary', LLM_PAUSE_AFTER_FAILURES: '3', LLM_PAUSE_MS: '60000' }), store, {
      clock: () => now,
      log: { warn: (obj, msg) => logged.push({ obj, msg }) },
    });
    for (let i = 0; i < 3; i++) await ask(c, 'my secret story');
    // The pause is logged once, with the feature and no content.
    expect(logged).toEqual([{ obj: { feature: 'translate', outcome: 'invalid', pauseMs: 60000 }, msg: 'language-model feature paused after repeated failures' }]);
    expect(fake.hits).toHaveLength(3);
    expect(c.enabled('translate')).toBe(false);
    expect(c.enabled('summary')).toBe(true);
    expect(c.status().features.find((f) => f.feature === 'translate')?.breaker.pausedUntil).toEqual(new Date('2026-12-01T10:01:00Z'));
    await ask(c);
    expect(fake.hits).toHaveLength(3);
    now = new Date('2026-12-01T10:01:01Z');
    fake.always = undefined;
    fake.respond = () => ({ text: 'ok' });
    expect(await ask(c)).toEqual({ text: 'ok' });
    expect(c.enabled('translate')).toBe(true);
  });
});

describe('redaction', () => {
  it.each([
    ['write to a.b@mail.co.th please', 'a.b@mail.co.th'],
    ['โทร 081-234-5678 ด่วน', '081-234-5678'],
    ['บัตรประชาชน 1234567890123', '1234567890123'],
    ['passport AA1234567', 'AA1234567'],
    ['เบอร์ ๐๘๑ ๒๓๔ ๕๖๗๘', '๐๘๑ ๒๓๔ ๕๖๗๘'],
    ['លេខ ០១២៣៤៥៦៧៨', '០១២៣៤៥៦៧៨'],
    ['ဖုန်း ၀၉၁၂၃၄၅၆၇၈', '၀၉၁၂၃၄၅၆၇၈'],
    ['ฉันชื่อ สมชาย ใจดี', 'สมชาย'],
    ['tên tôi là Nguyễn Văn An', 'Nguyễn'],
    ['我叫王小明', '王小明'],
  ])('%s hides %s', (text, secret) => {
    const r = new Redaction();
    const out = r.redact(text);
    expect(out).not.toContain(secret);
    expect(r.restore(out)).toBe(text);
  });

  it('leaves ages, amounts and dates alone', () => {
    const text = 'I am 17, they want 5000 baht, since 12/3';
    expect(new Redaction().redact(text)).toBe(text);
  });
});
