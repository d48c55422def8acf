/**
 * The assist's environment variables (issue 13), merged into the schema of `src/config/env.ts`.
 * Off by default: an empty `LLM_FEATURES` means not one request, not even at start-up.
 */
import { z } from 'zod';

/** The features a deployer can turn on, one by one. */
export const LLM_FEATURES = ['extract', 'translate', 'summary', 'transcribe'] as const;
export type LlmFeature = (typeof LLM_FEATURES)[number];

const feature = z.enum(LLM_FEATURES);

/** The LLM_* variables. */
export const llmEnv = {
  /** Any OpenAI-compatible endpoint, with its path (`https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`). */
  LLM_BASE_URL: z.url().optional().transform((v) => v?.replace(/\/+$/, '')),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TRANSCRIBE_MODEL: z.string().min(1).optional(),
  /** Comma-separated: extract, translate, summary, transcribe. */
  LLM_FEATURES: z
    .string()
    .default('')
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(feature)),
  /** The whole call, the SDK's own retries included. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(200).max(120_000).default(8000),
  /** Redaction of personal details before a request leaves; on unless the endpoint is on loopback. */
  LLM_REDACT: z
    .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => ['on', 'true', '1', 'yes'].includes(v))
    .optional(),
  /** After this many failures in a row a feature pauses... */
  LLM_PAUSE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  /** ...for this long, then tries again. */
  LLM_PAUSE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(5 * 60_000),
};

type LlmEnv = { LLM_BASE_URL?: string | undefined; LLM_MODEL?: string | undefined; LLM_TRANSCRIBE_MODEL?: string | undefined; LLM_FEATURES: LlmFeature[] };

/** A feature turned on without the endpoint or model it needs is a mistake: say so at start-up. */
export function llmRefine(env: LlmEnv, ctx: z.RefinementCtx): void {
  const features = env.LLM_FEATURES;
  if (!features.length) return;
  if (!env.LLM_BASE_URL) ctx.addIssue({ code: 'custom', path: ['LLM_BASE_URL'], message: 'LLM_FEATURES needs LLM_BASE_URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama)' });
  if (features.some((f) => f !== 'transcribe') && !env.LLM_MODEL) ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: 'extract, translate and summary need LLM_MODEL' });
  if (features.includes('transcribe') && !env.LLM_TRANSCRIBE_MODEL) ctx.addIssue({ code: 'custom', path: ['LLM_TRANSCRIBE_MODEL'], message: 'transcribe needs LLM_TRANSCRIBE_MODEL (e.g. whisper-1)' });
}

/** True when a URL's host is this machine: nothing sent there leaves it. */
export function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Redaction is on unless the deployer said otherwise or the endpoint is on loopback. */
export function redactionOn(config: { LLM_REDACT?: boolean | undefined; LLM_BASE_URL?: string | undefined }): boolean {
  return config.LLM_REDACT ?? !isLoopback(config.LLM_BASE_URL);
}
