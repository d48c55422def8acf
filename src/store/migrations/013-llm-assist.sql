-- Language-model assist (issue 13): one row per call to the model, never its content.
CREATE TABLE llm_calls (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  at                TEXT NOT NULL,
  feature           TEXT NOT NULL,                   -- extract | translate | summary | transcribe
  model             TEXT NOT NULL,
  duration_ms       INTEGER NOT NULL,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  outcome           TEXT NOT NULL,                   -- ok | timeout | error | refusal | invalid
  redacted          INTEGER NOT NULL                 -- 1 when personal details were replaced before sending
);
CREATE INDEX llm_calls_at ON llm_calls (at);
