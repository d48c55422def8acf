-- Staff pages flat at a million tickets (issue 12).
--
-- The queue and the API list show tickets by priority, then oldest first. These indexes are in
-- that order, so a page reads its rows from the index and stops at its limit, instead of sorting
-- every ticket; the open ones (the queue's default) have their own, smaller, partial indexes.
CREATE INDEX tickets_order ON tickets (priority, created_at);
CREATE INDEX tickets_open_order ON tickets (priority, created_at) WHERE status <> 'closed';
CREATE INDEX tickets_open_language ON tickets (language, priority, created_at) WHERE status <> 'closed';
CREATE INDEX tickets_open_channel ON tickets (channel, priority, created_at) WHERE status <> 'closed';
CREATE INDEX tickets_assignee ON tickets (assignee, priority, created_at, status) WHERE assignee IS NOT NULL;
CREATE INDEX tickets_created ON tickets (created_at);

-- A referral carries its ticket's status, priority and creation time (kept by the triggers
-- below), so that an agency's tickets are counted by status, and listed in the queue's order,
-- from an index of the referrals alone, however few of its tickets are open.
ALTER TABLE referrals ADD COLUMN ticket_status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE referrals ADD COLUMN ticket_priority TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN ticket_created_at TEXT NOT NULL DEFAULT '';
UPDATE referrals SET (ticket_status, ticket_priority, ticket_created_at) =
  (SELECT t.status, t.priority, t.created_at FROM tickets t WHERE t.ref = referrals.ticket_ref);
CREATE INDEX referrals_agency_ticket_status ON referrals (agency, ticket_status);
CREATE INDEX referrals_ticket_status_agency ON referrals (ticket_status, agency);
CREATE INDEX referrals_agency_order ON referrals (agency, ticket_priority, ticket_created_at, ticket_status);
CREATE INDEX referrals_agency_open_order ON referrals (agency, ticket_priority, ticket_created_at) WHERE ticket_status <> 'closed';
-- The escalation tick (every minute) reads only referrals it may still have to chase.
CREATE INDEX referrals_to_chase ON referrals (created_at) WHERE status = 'pending' AND escalation_level < 2;

CREATE TRIGGER referrals_take_ticket_fields AFTER INSERT ON referrals BEGIN
  UPDATE referrals SET (ticket_status, ticket_priority, ticket_created_at) =
    (SELECT t.status, t.priority, t.created_at FROM tickets t WHERE t.ref = NEW.ticket_ref)
   WHERE ticket_ref = NEW.ticket_ref AND agency = NEW.agency;
END;
CREATE TRIGGER tickets_fields_to_referrals AFTER UPDATE OF status, priority, created_at ON tickets
  WHEN NEW.status IS NOT OLD.status OR NEW.priority IS NOT OLD.priority OR NEW.created_at IS NOT OLD.created_at
BEGIN
  UPDATE referrals SET ticket_status = NEW.status, ticket_priority = NEW.priority, ticket_created_at = NEW.created_at WHERE ticket_ref = NEW.ref;
END;

-- Running totals of tickets by status and by what the queue filters on, for the queue's counts
-- (a count over every ticket on every page would grow with the table).
CREATE TABLE ticket_counts (
  status     TEXT NOT NULL,
  priority   TEXT NOT NULL,
  language   TEXT NOT NULL,   -- '' for none
  channel    TEXT NOT NULL,
  case_type  TEXT NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (status, priority, language, channel, case_type)
) WITHOUT ROWID;
INSERT INTO ticket_counts (status, priority, language, channel, case_type, n)
  SELECT status, priority, IFNULL(language, ''), channel, case_type, COUNT(*) FROM tickets
   GROUP BY status, priority, IFNULL(language, ''), channel, case_type;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_counts (status, priority, language, channel, case_type, n)
    VALUES (NEW.status, NEW.priority, IFNULL(NEW.language, ''), NEW.channel, NEW.case_type, 1)
    ON CONFLICT (status, priority, language, channel, case_type) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
  UPDATE ticket_counts SET n = n - 1
   WHERE status = OLD.status AND priority = OLD.priority AND language = IFNULL(OLD.language, '') AND channel = OLD.channel AND case_type = OLD.case_type;
END;
CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status, priority, language, channel, case_type ON tickets
  WHEN NEW.status IS NOT OLD.status OR NEW.priority IS NOT OLD.priority OR NEW.language IS NOT OLD.language OR NEW.channel IS NOT OLD.channel OR NEW.case_type IS NOT OLD.case_type
BEGIN
  UPDATE ticket_counts SET n = n - 1
   WHERE status = OLD.status AND priority = OLD.priority AND language = IFNULL(OLD.language, '') AND channel = OLD.channel AND case_type = OLD.case_type;
  INSERT INTO ticket_counts (status, priority, language, channel, case_type, n)
    VALUES (NEW.status, NEW.priority, IFNULL(NEW.language, ''), NEW.channel, NEW.case_type, 1)
    ON CONFLICT (status, priority, language, channel, case_type) DO UPDATE SET n = n + 1;
END;

-- A reply on the danger path goes out ahead of other replies when there is a backlog.
ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
