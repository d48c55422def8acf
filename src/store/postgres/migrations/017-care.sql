-- Care, repatriation and matching (issue 15): the twin of SQLite's 017-care.sql (see there).
CREATE TABLE care_items (
  ticket_ref  text NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  plan        text NOT NULL,                 -- service | return
  id          text NOT NULL,
  template    text,
  seq         integer NOT NULL DEFAULT 0,
  agency      text NOT NULL,
  status      text NOT NULL,
  reason      text,
  note        text,
  due_at      timestamptz,
  planned_at  text,                          -- a calendar day, YYYY-MM-DD
  done_at     timestamptz,
  alerted_at  timestamptz,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (ticket_ref, plan, id)
);
CREATE INDEX care_items_open_due ON care_items (due_at) WHERE done_at IS NULL AND status NOT IN ('delivered', 'done', 'not_possible');

CREATE TABLE match_keys (
  ticket_ref  text NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  key         text NOT NULL,
  PRIMARY KEY (ticket_ref, key)
);
CREATE INDEX match_keys_key ON match_keys (key);

CREATE TABLE ticket_matches (
  a_ref       text NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  b_ref       text NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  score       double precision NOT NULL,
  reasons     json NOT NULL,
  status      text NOT NULL DEFAULT 'suggested',
  reason      text,
  decided_by  text,
  decided_at  timestamptz,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (a_ref, b_ref)
);
CREATE INDEX ticket_matches_b ON ticket_matches (b_ref);
