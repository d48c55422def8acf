-- The statistics page and the queue's counts as running totals (issue 12, decision 0024): at a
-- million tickets the page reads a few hundred rows of totals instead of the tickets themselves.
--
-- The statistics group tickets by the week they were created in: the Monday of that week in Thai
-- time, as `weekStart` (src/dashboard/stats.ts) gives it. Thailand keeps UTC+7 all year, hence the
-- fixed '+7 hours' (test/store-at-scale.test.ts checks the two agree).
--
-- Derived columns of a ticket, computed by SQLite (VIRTUAL: nothing stored in the row, the values
-- live in the indexes that use them):
-- - stats_week: the week of creation;
-- - first_wait_ms: milliseconds from creation to the first staff action (NULL before it);
-- - first_wait_bucket: that wait on a log scale, eight buckets per doubling (each about 9% wide),
--   for the histogram of waits below; 0 holds everything under a second.
ALTER TABLE tickets ADD COLUMN stats_week TEXT GENERATED ALWAYS AS (date(created_at, '+7 hours', 'weekday 0', '-6 days')) VIRTUAL;
ALTER TABLE tickets ADD COLUMN first_wait_ms INTEGER GENERATED ALWAYS AS (CAST(ROUND((julianday(first_action_at) - julianday(created_at)) * 86400000) AS INTEGER)) VIRTUAL;
ALTER TABLE tickets ADD COLUMN first_wait_bucket INTEGER GENERATED ALWAYS AS (
  CASE WHEN first_action_at IS NULL THEN NULL
       WHEN (julianday(first_action_at) - julianday(created_at)) * 86400 < 1 THEN 0
       ELSE 1 + CAST(log2((julianday(first_action_at) - julianday(created_at)) * 86400) * 8 AS INTEGER) END) VIRTUAL;

-- A referral also carries its ticket's case type and first action (beside migration 014's status,
-- priority and creation time), so that one agency's statistics are read from its referrals.
ALTER TABLE referrals ADD COLUMN ticket_case_type TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN ticket_first_action_at TEXT;
UPDATE referrals SET (ticket_case_type, ticket_first_action_at) =
  (SELECT t.case_type, t.first_action_at FROM tickets t WHERE t.ref = referrals.ticket_ref);
ALTER TABLE referrals ADD COLUMN ticket_week TEXT GENERATED ALWAYS AS (date(ticket_created_at, '+7 hours', 'weekday 0', '-6 days')) VIRTUAL;
ALTER TABLE referrals ADD COLUMN ticket_wait_ms INTEGER GENERATED ALWAYS AS (CAST(ROUND((julianday(ticket_first_action_at) - julianday(ticket_created_at)) * 86400000) AS INTEGER)) VIRTUAL;
ALTER TABLE referrals ADD COLUMN ticket_wait_bucket INTEGER GENERATED ALWAYS AS (
  CASE WHEN ticket_first_action_at IS NULL THEN NULL
       WHEN (julianday(ticket_first_action_at) - julianday(ticket_created_at)) * 86400 < 1 THEN 0
       ELSE 1 + CAST(log2((julianday(ticket_first_action_at) - julianday(ticket_created_at)) * 86400) * 8 AS INTEGER) END) VIRTUAL;

DROP TRIGGER referrals_take_ticket_fields;
DROP TRIGGER tickets_fields_to_referrals;
CREATE TRIGGER referrals_take_ticket_fields AFTER INSERT ON referrals BEGIN
  UPDATE referrals SET (ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at) =
    (SELECT t.status, t.priority, t.created_at, t.case_type, t.first_action_at FROM tickets t WHERE t.ref = NEW.ticket_ref)
   WHERE ticket_ref = NEW.ticket_ref AND agency = NEW.agency;
  -- The totals of the referral as it now is (the update above is not counted: see below).
  INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
    SELECT agency, ticket_week, ticket_case_type, ticket_priority, 1 FROM referrals WHERE ticket_ref = NEW.ticket_ref AND agency = NEW.agency
    ON CONFLICT (agency, week, case_type, priority) DO UPDATE SET n = n + 1;
  INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
    SELECT agency, ticket_week, ticket_priority, ticket_wait_bucket, 1 FROM referrals WHERE ticket_ref = NEW.ticket_ref AND agency = NEW.agency AND ticket_first_action_at IS NOT NULL
    ON CONFLICT (agency, week, priority, bucket) DO UPDATE SET n = n + 1;
  INSERT INTO referral_counts (agency, ticket_status, n)
    SELECT agency, ticket_status, 1 FROM referrals WHERE ticket_ref = NEW.ticket_ref AND agency = NEW.agency
    ON CONFLICT (agency, ticket_status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_fields_to_referrals AFTER UPDATE OF status, priority, created_at, case_type, first_action_at ON tickets
  WHEN NEW.status IS NOT OLD.status OR NEW.priority IS NOT OLD.priority OR NEW.created_at IS NOT OLD.created_at
    OR NEW.case_type IS NOT OLD.case_type OR NEW.first_action_at IS NOT OLD.first_action_at
BEGIN
  UPDATE referrals SET ticket_status = NEW.status, ticket_priority = NEW.priority, ticket_created_at = NEW.created_at,
         ticket_case_type = NEW.case_type, ticket_first_action_at = NEW.first_action_at
   WHERE ticket_ref = NEW.ref;
END;

-- Tickets created per week by case type and priority: of all tickets (agency '') and of each
-- agency's (through its referrals).
CREATE TABLE ticket_weeks (
  agency     TEXT NOT NULL,
  week       TEXT NOT NULL,
  case_type  TEXT NOT NULL,
  priority   TEXT NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (agency, week, case_type, priority)
) WITHOUT ROWID;
-- The histogram of first-action waits per week of creation and priority, likewise.
CREATE TABLE ticket_wait_weeks (
  agency     TEXT NOT NULL,
  week       TEXT NOT NULL,
  priority   TEXT NOT NULL,
  bucket     INTEGER NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (agency, week, priority, bucket)
) WITHOUT ROWID;
-- Referrals by agency and their ticket's status (open tickets by agency, an agency's queue counts).
CREATE TABLE referral_counts (
  agency         TEXT NOT NULL,
  ticket_status  TEXT NOT NULL,
  n              INTEGER NOT NULL,
  PRIMARY KEY (agency, ticket_status)
) WITHOUT ROWID;

INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
  SELECT '', stats_week, case_type, priority, COUNT(*) FROM tickets GROUP BY stats_week, case_type, priority;
INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
  SELECT agency, ticket_week, ticket_case_type, ticket_priority, COUNT(*) FROM referrals GROUP BY agency, ticket_week, ticket_case_type, ticket_priority;
INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
  SELECT '', stats_week, priority, first_wait_bucket, COUNT(*) FROM tickets WHERE first_action_at IS NOT NULL GROUP BY stats_week, priority, first_wait_bucket;
INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
  SELECT agency, ticket_week, ticket_priority, ticket_wait_bucket, COUNT(*) FROM referrals WHERE ticket_first_action_at IS NOT NULL GROUP BY agency, ticket_week, ticket_priority, ticket_wait_bucket;
INSERT INTO referral_counts (agency, ticket_status, n)
  SELECT agency, ticket_status, COUNT(*) FROM referrals GROUP BY agency, ticket_status;

-- All tickets' totals follow the tickets.
CREATE TRIGGER ticket_weeks_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_weeks (agency, week, case_type, priority, n) VALUES ('', NEW.stats_week, NEW.case_type, NEW.priority, 1)
    ON CONFLICT (agency, week, case_type, priority) DO UPDATE SET n = n + 1;
  INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
    SELECT '', NEW.stats_week, NEW.priority, NEW.first_wait_bucket, 1 WHERE NEW.first_action_at IS NOT NULL
    ON CONFLICT (agency, week, priority, bucket) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_weeks_delete AFTER DELETE ON tickets BEGIN
  UPDATE ticket_weeks SET n = n - 1 WHERE agency = '' AND week = OLD.stats_week AND case_type = OLD.case_type AND priority = OLD.priority;
  UPDATE ticket_wait_weeks SET n = n - 1 WHERE OLD.first_action_at IS NOT NULL AND agency = '' AND week = OLD.stats_week AND priority = OLD.priority AND bucket = OLD.first_wait_bucket;
END;
CREATE TRIGGER ticket_weeks_update AFTER UPDATE OF created_at, case_type, priority, first_action_at ON tickets
  WHEN NEW.created_at IS NOT OLD.created_at OR NEW.case_type IS NOT OLD.case_type OR NEW.priority IS NOT OLD.priority OR NEW.first_action_at IS NOT OLD.first_action_at
BEGIN
  UPDATE ticket_weeks SET n = n - 1 WHERE agency = '' AND week = OLD.stats_week AND case_type = OLD.case_type AND priority = OLD.priority;
  INSERT INTO ticket_weeks (agency, week, case_type, priority, n) VALUES ('', NEW.stats_week, NEW.case_type, NEW.priority, 1)
    ON CONFLICT (agency, week, case_type, priority) DO UPDATE SET n = n + 1;
  UPDATE ticket_wait_weeks SET n = n - 1 WHERE OLD.first_action_at IS NOT NULL AND agency = '' AND week = OLD.stats_week AND priority = OLD.priority AND bucket = OLD.first_wait_bucket;
  INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
    SELECT '', NEW.stats_week, NEW.priority, NEW.first_wait_bucket, 1 WHERE NEW.first_action_at IS NOT NULL
    ON CONFLICT (agency, week, priority, bucket) DO UPDATE SET n = n + 1;
END;

-- Each agency's totals follow its referrals' copies of the ticket fields. A referral's first
-- copy (by referrals_take_ticket_fields, from the defaults: an empty creation time) is counted by
-- that trigger, not here.
CREATE TRIGGER referral_totals_update AFTER UPDATE OF ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at ON referrals
  WHEN OLD.ticket_created_at <> ''
BEGIN
  UPDATE ticket_weeks SET n = n - 1 WHERE agency = OLD.agency AND week = OLD.ticket_week AND case_type = OLD.ticket_case_type AND priority = OLD.ticket_priority;
  INSERT INTO ticket_weeks (agency, week, case_type, priority, n) VALUES (NEW.agency, NEW.ticket_week, NEW.ticket_case_type, NEW.ticket_priority, 1)
    ON CONFLICT (agency, week, case_type, priority) DO UPDATE SET n = n + 1;
  UPDATE ticket_wait_weeks SET n = n - 1 WHERE OLD.ticket_first_action_at IS NOT NULL AND agency = OLD.agency AND week = OLD.ticket_week AND priority = OLD.ticket_priority AND bucket = OLD.ticket_wait_bucket;
  INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
    SELECT NEW.agency, NEW.ticket_week, NEW.ticket_priority, NEW.ticket_wait_bucket, 1 WHERE NEW.ticket_first_action_at IS NOT NULL
    ON CONFLICT (agency, week, priority, bucket) DO UPDATE SET n = n + 1;
  UPDATE referral_counts SET n = n - 1 WHERE agency = OLD.agency AND ticket_status = OLD.ticket_status;
  INSERT INTO referral_counts (agency, ticket_status, n) VALUES (NEW.agency, NEW.ticket_status, 1)
    ON CONFLICT (agency, ticket_status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER referral_totals_delete AFTER DELETE ON referrals WHEN OLD.ticket_created_at <> '' BEGIN
  UPDATE ticket_weeks SET n = n - 1 WHERE agency = OLD.agency AND week = OLD.ticket_week AND case_type = OLD.ticket_case_type AND priority = OLD.ticket_priority;
  UPDATE ticket_wait_weeks SET n = n - 1 WHERE OLD.ticket_first_action_at IS NOT NULL AND agency = OLD.agency AND week = OLD.ticket_week AND priority = OLD.ticket_priority AND bucket = OLD.ticket_wait_bucket;
  UPDATE referral_counts SET n = n - 1 WHERE agency = OLD.agency AND ticket_status = OLD.ticket_status;
END;

-- The median of first-action waits: the histogram finds the bucket of the middle ticket, and
-- these indexes give the waits of that bucket's tickets since a time, in order.
CREATE INDEX tickets_waits ON tickets (priority, first_wait_bucket, created_at, first_wait_ms) WHERE first_action_at IS NOT NULL;
CREATE INDEX referrals_waits ON referrals (agency, ticket_priority, ticket_wait_bucket, ticket_created_at, ticket_wait_ms) WHERE ticket_first_action_at IS NOT NULL;
-- The first, partial, week of the period, counted from the tickets themselves.
DROP INDEX tickets_created;
CREATE INDEX tickets_created ON tickets (created_at, priority, first_wait_bucket);
CREATE INDEX referrals_agency_created ON referrals (agency, ticket_created_at, ticket_priority, ticket_wait_bucket);

-- A staff member's tickets by status (the queue's counts under "assigned to me").
CREATE TABLE assignee_counts (
  assignee  TEXT NOT NULL,
  status    TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (assignee, status)
) WITHOUT ROWID;
INSERT INTO assignee_counts (assignee, status, n)
  SELECT assignee, status, COUNT(*) FROM tickets WHERE assignee IS NOT NULL GROUP BY assignee, status;
CREATE TRIGGER assignee_counts_insert AFTER INSERT ON tickets WHEN NEW.assignee IS NOT NULL BEGIN
  INSERT INTO assignee_counts (assignee, status, n) VALUES (NEW.assignee, NEW.status, 1)
    ON CONFLICT (assignee, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER assignee_counts_delete AFTER DELETE ON tickets WHEN OLD.assignee IS NOT NULL BEGIN
  UPDATE assignee_counts SET n = n - 1 WHERE assignee = OLD.assignee AND status = OLD.status;
END;
CREATE TRIGGER assignee_counts_update AFTER UPDATE OF assignee, status ON tickets
  WHEN NEW.assignee IS NOT OLD.assignee OR NEW.status IS NOT OLD.status
BEGIN
  UPDATE assignee_counts SET n = n - 1 WHERE OLD.assignee IS NOT NULL AND assignee = OLD.assignee AND status = OLD.status;
  INSERT INTO assignee_counts (assignee, status, n) SELECT NEW.assignee, NEW.status, 1 WHERE NEW.assignee IS NOT NULL
    ON CONFLICT (assignee, status) DO UPDATE SET n = n + 1;
END;
-- Replaced by referral_counts (statistics, an agency's counts).
DROP INDEX referrals_ticket_status_agency;
DROP INDEX referrals_agency_ticket_status;
