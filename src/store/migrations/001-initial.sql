-- Conversations
CREATE TABLE sessions (
  id          TEXT PRIMARY KEY,              -- channel:user
  channel     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  state       TEXT NOT NULL,                 -- JSON SessionState
  unreachable INTEGER NOT NULL DEFAULT 0,    -- the user blocked the bot
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE transcript (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_id  TEXT,                          -- the platform's id, for unsend
  body        TEXT NOT NULL,                 -- JSON: {text} | {choice} | {location} | {attachment} | reply
  created_at  TEXT NOT NULL
);
CREATE INDEX transcript_session ON transcript (session_id, id);

CREATE TABLE inbound_events (
  channel     TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (channel, event_id)
);

-- Tickets
CREATE TABLE tickets (
  ref         TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  channel     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  language    TEXT,
  role        TEXT,
  answers     TEXT NOT NULL,                 -- JSON, by dictionary key
  indicators  TEXT NOT NULL,                 -- JSON list of indicator ids
  case_type   TEXT NOT NULL,
  priority    TEXT NOT NULL,
  basis       TEXT NOT NULL,                 -- consent | vital_interest
  status      TEXT NOT NULL DEFAULT 'new',
  outcome     TEXT,
  assignee    TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX tickets_user ON tickets (channel, user_id);
CREATE INDEX tickets_queue ON tickets (status, priority, created_at);

CREATE TABLE referrals (
  ticket_ref  TEXT NOT NULL REFERENCES tickets (ref),
  agency      TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending',
  reason      TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (ticket_ref, agency)
);
CREATE INDEX referrals_agency ON referrals (agency, status);

CREATE TABLE attachments (
  id          TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  ticket_ref  TEXT,
  channel     TEXT NOT NULL,
  message_id  TEXT,
  name        TEXT,
  mime        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  path        TEXT NOT NULL,                 -- relative to DATA_DIR
  created_at  TEXT NOT NULL
);
CREATE INDEX attachments_session ON attachments (session_id);

CREATE TABLE audit (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_ref  TEXT,
  actor       TEXT NOT NULL,                 -- system | bot | token:<id> | staff:<id> | cli
  action      TEXT NOT NULL,
  detail      TEXT,                          -- JSON, never personal data
  at          TEXT NOT NULL
);
CREATE INDEX audit_ticket ON audit (ticket_ref, id);

-- Delivery
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  kind            TEXT NOT NULL,             -- reply | notify
  payload         TEXT NOT NULL,             -- JSON
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (channel, recipient, status);

-- Access
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,          -- SHA-256 of the token; the token itself is never stored
  agency      TEXT NOT NULL,                 -- an agency id, or * for all
  label       TEXT,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
