-- Care, repatriation and matching (issue 15).
--
-- care_items: what is done for a person after the referral. A service (plan = 'service', id = the
--   need's kind: medical, shelter, ...) or a step of a return plan (plan = 'return', id = the step id
--   of flows/repatriation.yaml, template = the plan's id). Each has the agency that owns it, its own
--   status, a due date from its response target, and for a step its planned date and when it was
--   done. `reason` (why not possible) and `note` are free text staff wrote: they live here, never in
--   the audit trail, which carries codes only. `alerted_at`: when its agency was told it is overdue
--   (once). Deleted with the ticket.
CREATE TABLE care_items (
  ticket_ref  TEXT NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  plan        TEXT NOT NULL,                 -- service | return
  id          TEXT NOT NULL,
  template    TEXT,                          -- return plans: the plan's id in flows/repatriation.yaml
  seq         INTEGER NOT NULL DEFAULT 0,    -- order within the plan
  agency      TEXT NOT NULL,
  status      TEXT NOT NULL,
  reason      TEXT,
  note        TEXT,
  due_at      TEXT,
  planned_at  TEXT,
  done_at     TEXT,
  alerted_at  TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (ticket_ref, plan, id)
);
-- Open items by due date: the overdue look-up of the queue and the minute tick.
CREATE INDEX care_items_open_due ON care_items (due_at) WHERE done_at IS NULL AND status NOT IN ('delivered', 'done', 'not_possible');

-- Matching reports of the same person: keys derived from each ticket (a name's Latin skeleton,
-- phone digits, a chat contact), looked up by equality to find candidates cheaply.
CREATE TABLE match_keys (
  ticket_ref  TEXT NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  PRIMARY KEY (ticket_ref, key)
);
CREATE INDEX match_keys_key ON match_keys (key);

-- A likely match between two tickets (a_ref < b_ref), its reasons (codes and scores, JSON), and
-- staff's decision: suggested, confirmed (the tickets are linked) or rejected (with why, free text).
CREATE TABLE ticket_matches (
  a_ref       TEXT NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  b_ref       TEXT NOT NULL REFERENCES tickets (ref) ON DELETE CASCADE,
  score       REAL NOT NULL,
  reasons     TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'suggested',
  reason      TEXT,
  decided_by  TEXT,
  decided_at  TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (a_ref, b_ref)
);
CREATE INDEX ticket_matches_b ON ticket_matches (b_ref);
