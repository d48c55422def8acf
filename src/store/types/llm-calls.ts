/**
 * Records of the store: The audit of language-model calls.
 */

/** One call to the language model (issue 13): what, how long, how it ended; never content. */
export interface LlmCallRecord {
  feature: string;
  model: string;
  durationMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  outcome: 'ok' | 'timeout' | 'error' | 'refusal' | 'invalid';
  redacted: boolean;
}
