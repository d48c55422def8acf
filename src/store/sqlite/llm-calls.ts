/**
 * The audit rows of language-model calls (never their content).
 */
import type { LlmCallRecord, Store } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Store} methods of language-model calls. */
export function llmCallsStore(c: SqliteConnection): Pick<Store, 'recordLlmCall' | 'recentLlmCalls'> {
  return {
    async recordLlmCall(call: LlmCallRecord): Promise<void> {
      c.db
        .prepare('INSERT INTO llm_calls (at, feature, model, duration_ms, prompt_tokens, completion_tokens, outcome, redacted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(c.now(), call.feature, call.model, Math.round(call.durationMs), call.promptTokens, call.completionTokens, call.outcome, call.redacted ? 1 : 0);
    },
    async recentLlmCalls(limit: number) {
      return (c.db.prepare('SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
        at: r.at as string,
        feature: r.feature as string,
        model: r.model as string,
        durationMs: r.duration_ms as number,
        promptTokens: (r.prompt_tokens as number | null) ?? null,
        completionTokens: (r.completion_tokens as number | null) ?? null,
        outcome: r.outcome as LlmCallRecord['outcome'],
        redacted: r.redacted === 1,
      }));
    },
  };
}
