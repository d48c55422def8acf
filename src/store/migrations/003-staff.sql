-- The staff triage dashboard (issue 5): accounts, sessions, notes, login throttling, and the ticket
-- columns the queue needs. 002 belongs to the LINE/Telegram channels.

CREATE TABLE staff_users (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- the login name, shown to colleagues
  role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
  agency        TEXT NOT NULL,                        -- an agency id, or * for an admin
  lang          TEXT NOT NULL DEFAULT 'th',           -- th | en, the dashboard's language
  password_hash TEXT NOT NULL,                        -- scrypt$N$r$p$salt$key (base64url)
  disabled_at   TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE staff_sessions (
  id_hash      TEXT PRIMARY KEY,                      -- SHA-256 of the cookie; the cookie itself is never stored
  user_id      TEXT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  csrf         TEXT NOT NULL,                         -- the form token of this session
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

-- Failed logins, keyed by a hash of name and address (no personal data in clear), for throttling.
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at  TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE notes (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_ref TEXT NOT NULL REFERENCES tickets (ref),
  author     TEXT NOT NULL,                           -- staff:<id>
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notes_ticket ON notes (ticket_ref, id);

ALTER TABLE tickets ADD COLUMN duplicate_of TEXT;     -- the ticket this one repeats
ALTER TABLE tickets ADD COLUMN first_action_at TEXT;  -- the first staff action, for response times
