/**
 * The audit rows of language-model calls (never their content).
 */
import type { LlmCallRecord, Store } from '../store.ts';
import type { PgContext } from './connection.ts';

/** The {@link Store} methods of model calls. */
export function llmCallsStore(c: PgContext): Pick<Store, 'recordLlmCall' | 'recentLlmCalls'> {
  return {
    async recordLlmCall(x) {
      await c.sql.run('INSERT INTO llm_calls (at, feature, model, duration_ms, prompt_tokens, completion_tokens, outcome, redacted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        c.sql.now(),
        x.feature,
        x.model,
        Math.round(x.durationMs),
        x.promptTokens,
        x.completionTokens,
        x.outcome,
        x.redacted,
      ]);
    },
    async recentLlmCalls(limit) {
      return (await c.sql.rows('SELECT * FROM llm_calls ORDER BY id DESC LIMIT $1', [limit])).map((r) => ({
        at: r.at as string,
        feature: r.feature as string,
        model: r.model as string,
        durationMs: r.duration_ms as number,
        promptTokens: (r.prompt_tokens as number | null) ?? null,
        completionTokens: (r.completion_tokens as number | null) ?? null,
        outcome: r.outcome as LlmCallRecord['outcome'],
        redacted: r.redacted === true,
      }));
    },
  };
}
