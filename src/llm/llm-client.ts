/**
 * The one door to the language model (issue 13): the official `openai` SDK pointed at
 * `LLM_BASE_URL`. Every call is bounded by `LLM_TIMEOUT_MS` (the SDK's retries included), redacted
 * when redaction is on, checked with zod, audited (feature, model, duration, tokens, outcome; never
 * content) and counted by a per-feature circuit breaker. Any failure returns `undefined`: callers
 * go on as if the feature were off.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { LlmCallRecord, Store } from '../store/store.ts';
import { type BreakerState, CircuitBreaker } from './circuit-breaker.ts';
import { LLM_FEATURES, type LlmFeature, redactionOn } from './llm-env.ts';
import { Redaction } from './redact.ts';

type LlmConfig = Pick<
  Config,
  'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL' | 'LLM_TRANSCRIBE_MODEL' | 'LLM_FEATURES' | 'LLM_TIMEOUT_MS' | 'LLM_REDACT' | 'LLM_PAUSE_AFTER_FAILURES' | 'LLM_PAUSE_MS'
>;

/** Where a warning goes (Fastify's logger fits); never given content. */
export interface LlmLog {
  warn(obj: object, msg: string): void;
}

/** A structured request: instructions, the person's text, and the shape of the answer. */
export interface StructuredRequest<T> {
  feature: Exclude<LlmFeature, 'transcribe'>;
  /** Our instructions; never redacted (they hold no personal data). */
  system: string;
  /** The conversation's text: redacted before it leaves. */
  user: string;
  /** The name of the JSON schema sent with the request. */
  schemaName: string;
  schema: z.ZodType<T>;
  /** Details of this conversation to redact wherever they appear (names, places). */
  sensitive?: string[];
}

class Refusal extends Error {}
class Invalid extends Error {}
class Timeout extends Error {}

/** Language-model calls with their safeguards. */
export class LlmClient {
  private readonly config: LlmConfig;
  private readonly store: Pick<Store, 'recordLlmCall' | 'recentLlmCalls'>;
  private readonly clock: Clock;
  private log: LlmLog | undefined;
  private readonly breakers = new Map<LlmFeature, CircuitBreaker>();
  private client: OpenAI | undefined;

  constructor(config: LlmConfig, store: Pick<Store, 'recordLlmCall' | 'recentLlmCalls'>, opts: { clock?: Clock; log?: LlmLog } = {}) {
    this.config = config;
    this.store = store;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log;
    for (const f of LLM_FEATURES) this.breakers.set(f, new CircuitBreaker(config.LLM_PAUSE_AFTER_FAILURES, config.LLM_PAUSE_MS, this.clock));
  }

  /** The newest calls' audit rows (what, how long, how it ended; never content), newest first. */
  recentCalls(limit: number): ReturnType<Store['recentLlmCalls']> {
    return this.store.recentLlmCalls(limit);
  }

  /** Where pauses are logged (the server's logger, once it exists). */
  useLog(log: LlmLog): void {
    this.log = log;
  }

  /** True when the deployer turned the feature on (paused or not). */
  configured(feature: LlmFeature): boolean {
    return this.config.LLM_FEATURES.includes(feature);
  }

  /** True when a call of this feature would be made now: configured and not paused. */
  enabled(feature: LlmFeature): boolean {
    return this.configured(feature) && !this.breakers.get(feature)!.open;
  }

  /** Whether personal details are replaced before a request leaves. */
  get redacts(): boolean {
    return redactionOn(this.config);
  }

  /** What the admin page shows: each feature, on or not, paused or not, and where data goes. */
  status(): { endpoint: string | undefined; model: string | undefined; transcribeModel: string | undefined; redact: boolean; timeoutMs: number; features: { feature: LlmFeature; on: boolean; breaker: BreakerState }[] } {
    return {
      endpoint: this.config.LLM_FEATURES.length ? this.config.LLM_BASE_URL : undefined,
      model: this.config.LLM_MODEL,
      transcribeModel: this.config.LLM_TRANSCRIBE_MODEL,
      redact: this.redacts,
      timeoutMs: this.config.LLM_TIMEOUT_MS,
      features: LLM_FEATURES.map((feature) => ({ feature, on: this.configured(feature), breaker: this.breakers.get(feature)!.state })),
    };
  }

  /**
   * Built on first use: with no feature on, nothing is created and nothing is sent. The SDK is
   * loaded then too (it is a tenth of the start-up time, for a feature that is off by default).
   */
  private async sdk(): Promise<OpenAI> {
    const { default: OpenAISdk } = await import('openai');
    this.client ??= new OpenAISdk({
      baseURL: this.config.LLM_BASE_URL!,
      // Local servers (Ollama, llama.cpp) take any key; the SDK insists on one.
      apiKey: this.config.LLM_API_KEY ?? 'unused',
      timeout: this.config.LLM_TIMEOUT_MS,
      maxRetries: 2,
      // The SDK's own debug logs would print requests: never.
      logLevel: 'off',
    });
    return this.client;
  }

  /** A JSON answer of the given shape, or `undefined` (off, paused, timeout, error, refusal, garbage). */
  async structured<T>(req: StructuredRequest<T>): Promise<T | undefined> {
    if (!this.enabled(req.feature)) return undefined;
    const model = this.config.LLM_MODEL!;
    const redaction = this.redacts ? new Redaction(req.sensitive) : undefined;
    const user = redaction ? redaction.redact(req.user) : req.user;
    const jsonSchema = z.toJSONSchema(req.schema, { target: 'draft-7' }) as Record<string, unknown>;
    return this.run(req.feature, model, redaction, async (signal, sdk) => {
      const res = await sdk.chat.completions.create(
        {
          model,
          temperature: 0,
          messages: [
            { role: 'system', content: req.system },
            { role: 'user', content: user },
          ],
          response_format: { type: 'json_schema', json_schema: { name: req.schemaName, schema: jsonSchema, strict: true } },
        },
        { signal, timeout: this.config.LLM_TIMEOUT_MS },
      );
      const message = res.choices?.[0]?.message;
      const usage = { promptTokens: res.usage?.prompt_tokens ?? null, completionTokens: res.usage?.completion_tokens ?? null };
      if (message?.refusal) throw Object.assign(new Refusal('refused'), usage);
      let parsed: unknown;
      try {
        parsed = JSON.parse(message?.content ?? '');
      } catch {
        throw Object.assign(new Invalid('not JSON'), usage);
      }
      const checked = req.schema.safeParse(parsed);
      if (!checked.success) throw Object.assign(new Invalid('schema'), usage);
      return { value: redaction ? redaction.restoreDeep(checked.data) : checked.data, ...usage };
    });
  }

  /** The words of a voice note, or `undefined`. Audio cannot be redacted: the deployer is told so in the README. */
  async transcribe(bytes: Buffer, mime: string, name: string): Promise<string | undefined> {
    if (!this.enabled('transcribe')) return undefined;
    const model = this.config.LLM_TRANSCRIBE_MODEL!;
    return this.run('transcribe', model, undefined, async (signal, sdk) => {
      const { toFile } = await import('openai');
      const file = await toFile(bytes, name, { type: mime });
      const res = await sdk.audio.transcriptions.create({ file, model }, { signal, timeout: this.config.LLM_TIMEOUT_MS });
      const text = typeof res?.text === 'string' ? res.text.trim() : '';
      if (!text) throw new Invalid('empty transcript');
      return { value: text, promptTokens: null, completionTokens: null };
    });
  }

  /** Runs one call under the timeout, audits it and feeds the breaker. */
  private async run<T>(
    feature: LlmFeature,
    model: string,
    redaction: Redaction | undefined,
    call: (signal: AbortSignal, sdk: OpenAI) => Promise<{ value: T; promptTokens: number | null; completionTokens: number | null }>,
  ): Promise<T | undefined> {
    // The SDK is loaded (on the first call) before the clock starts: the timeout bounds the model
    // server, not the loading of our own modules on a busy machine.
    const sdk = await this.sdk();
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The abort stops the SDK (and its retries); the race makes sure nobody waits past the bound.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Timeout('timeout'));
      }, this.config.LLM_TIMEOUT_MS);
    });
    let outcome: LlmCallRecord['outcome'] = 'ok';
    let tokens: { promptTokens: number | null; completionTokens: number | null } = { promptTokens: null, completionTokens: null };
    try {
      const result = await Promise.race([call(controller.signal, sdk), deadline]);
      tokens = { promptTokens: result.promptTokens, completionTokens: result.completionTokens };
      this.breakers.get(feature)!.succeeded();
      return result.value;
    } catch (err) {
      outcome = err instanceof Timeout || controller.signal.aborted ? 'timeout' : err instanceof Refusal ? 'refusal' : err instanceof Invalid ? 'invalid' : 'error';
      const e = err as { promptTokens?: number | null; completionTokens?: number | null };
      tokens = { promptTokens: e.promptTokens ?? null, completionTokens: e.completionTokens ?? null };
      if (this.breakers.get(feature)!.failed()) {
        this.log?.warn({ feature, outcome, pauseMs: this.config.LLM_PAUSE_MS }, 'language-model feature paused after repeated failures');
      }
      return undefined;
    } finally {
      clearTimeout(timer);
      const record: LlmCallRecord = { feature, model, durationMs: performance.now() - started, ...tokens, outcome, redacted: redaction !== undefined };
      // The audit must not turn a success into a failure, nor a failure into a crash.
      await this.store.recordLlmCall(record).catch(() => undefined);
    }
  }
}
