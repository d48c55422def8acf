-- Inbound events accepted from a platform webhook or poll but not yet handled. A row is written
-- before the platform is answered and deleted once the conversation has handled the event, so a
-- crash in between loses nothing; the payload (which may hold a message) lives only that long.
CREATE TABLE inbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel     TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  user_key    TEXT NOT NULL,                 -- events of one user are handled in order
  payload     TEXT NOT NULL,                 -- JSON: the platform event as received
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,                          -- never message content
  received_at TEXT NOT NULL,
  UNIQUE (channel, event_id)
);
CREATE INDEX inbox_order ON inbox (id);

-- The newest reply token of a chat (LINE): replies are free and pushes are not, so the dispatcher
-- tries the token first while it is fresh. Single use: taking it deletes it.
CREATE TABLE reply_tokens (
  channel     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  token       TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (channel, recipient)
);
