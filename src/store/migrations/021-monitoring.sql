-- The monitoring report's figures (issue 15) as running totals (issue 12, decision 0028): at a
-- million tickets the page reads a few thousand rows of totals instead of every ticket of its
-- period with its audit trail.
--
-- A ticket's figures come from its audit trail by the rules of src/monitoring/figures.ts (the
-- first staff action, a referral's first acceptance, a service's first delivery, ...). SQL does
-- not repeat those rules: the triggers below only mark a ticket whose figures may have changed
-- (monitoring_dirty), and the store computes its facts again in JavaScript, with the very function
-- the report used to run over all tickets, a few hundred tickets at a time, before it reads the
-- totals (src/store/sqlite/monitoring.ts). `v` counts the marks, so that a mark made while a
-- ticket was being computed is not cleared with it.
CREATE TABLE monitoring_dirty (
  ticket_ref  TEXT PRIMARY KEY,
  v           INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets;

CREATE TRIGGER monitoring_ticket_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (NEW.ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_ticket_update AFTER UPDATE OF created_at, case_type, priority, status, outcome, answers ON tickets
  WHEN NEW.created_at IS NOT OLD.created_at OR NEW.case_type IS NOT OLD.case_type OR NEW.priority IS NOT OLD.priority
    OR NEW.status IS NOT OLD.status OR NEW.outcome IS NOT OLD.outcome OR NEW.answers IS NOT OLD.answers
BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (NEW.ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_ticket_delete AFTER DELETE ON tickets BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (OLD.ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
-- A ticket is counted in the report of each agency it is referred to.
CREATE TRIGGER monitoring_referral_insert AFTER INSERT ON referrals BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (NEW.ticket_ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_referral_delete AFTER DELETE ON referrals BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (OLD.ticket_ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_referral_update AFTER UPDATE OF ticket_ref, agency ON referrals BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (OLD.ticket_ref), (NEW.ticket_ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
-- The audit actions the figures read (MONITORED_ACTIONS in src/monitoring/figures.ts; a test holds
-- the two lists equal). Other rows (a ticket viewed, a note) mark nothing.
CREATE TRIGGER monitoring_audit_insert AFTER INSERT ON audit
  WHEN NEW.ticket_ref IS NOT NULL AND NEW.action IN ('ticket.created', 'ticket.claimed', 'ticket.assigned', 'ticket.status_changed', 'referral.accepted', 'referral.declined', 'referral.created', 'ticket.transferred', 'message.sent', 'ticket.marked_duplicate', 'service.status_changed', 'return.started', 'return.step_changed', 'service.requested', 'return.completed', 'referral.reminded', 'service.overdue', 'return_step.overdue')
BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (NEW.ticket_ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_audit_delete AFTER DELETE ON audit
  WHEN OLD.ticket_ref IS NOT NULL AND OLD.action IN ('ticket.created', 'ticket.claimed', 'ticket.assigned', 'ticket.status_changed', 'referral.accepted', 'referral.declined', 'referral.created', 'ticket.transferred', 'message.sent', 'ticket.marked_duplicate', 'service.status_changed', 'return.started', 'return.step_changed', 'service.requested', 'return.completed', 'referral.reminded', 'service.overdue', 'return_step.overdue')
BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) VALUES (OLD.ticket_ref) ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER monitoring_audit_update AFTER UPDATE ON audit
  WHEN OLD.ticket_ref IS NOT NULL OR NEW.ticket_ref IS NOT NULL
BEGIN
  INSERT INTO monitoring_dirty (ticket_ref) SELECT value FROM (SELECT OLD.ticket_ref AS value UNION SELECT NEW.ticket_ref) WHERE value IS NOT NULL
    ON CONFLICT (ticket_ref) DO UPDATE SET v = v + 1;
END;

-- A ticket's facts, per scope: '' (all agencies) and each agency it is referred to. `day` is the
-- Thai calendar day of its creation (a report's period is whole Thai days).
CREATE TABLE monitoring_scopes (
  ticket_ref   TEXT NOT NULL,
  scope        TEXT NOT NULL,
  day          TEXT NOT NULL,
  case_type    TEXT NOT NULL,
  priority     TEXT NOT NULL,
  nationality  TEXT NOT NULL,
  country      TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  PRIMARY KEY (ticket_ref, scope)
) WITHOUT ROWID;
-- Each time measured on the ticket (first_action, referral_accepted, service_delivered:<kind>,
-- return_completed), with its bucket on a log scale (timeBucket in src/store/monitoring-ranks.ts).
CREATE TABLE monitoring_times (
  ticket_ref  TEXT NOT NULL,
  scope       TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  measure     TEXT NOT NULL,
  day         TEXT NOT NULL,
  bucket      INTEGER NOT NULL,
  ms          INTEGER NOT NULL,
  PRIMARY KEY (ticket_ref, scope, seq)
) WITHOUT ROWID;
-- One bucket's times in a period, in order: the exact median and 90th percentile.
CREATE INDEX monitoring_times_rank ON monitoring_times (scope, measure, bucket, day, ms);
-- Overdue audit rows of the ticket, by the agency named and what was late.
CREATE TABLE monitoring_overdue (
  ticket_ref  TEXT NOT NULL,
  scope       TEXT NOT NULL,
  agency      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  day         TEXT NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (ticket_ref, scope, agency, kind)
) WITHOUT ROWID;

-- The totals per scope and day, kept by the triggers below as facts come and go (facts are only
-- inserted and deleted, never updated).
CREATE TABLE monitoring_count_days (
  scope  TEXT NOT NULL,
  day    TEXT NOT NULL,
  dim    TEXT NOT NULL,
  value  TEXT NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (scope, day, dim, value)
) WITHOUT ROWID;
CREATE TABLE monitoring_time_days (
  scope    TEXT NOT NULL,
  day      TEXT NOT NULL,
  measure  TEXT NOT NULL,
  bucket   INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (scope, day, measure, bucket)
) WITHOUT ROWID;
CREATE TABLE monitoring_overdue_days (
  scope   TEXT NOT NULL,
  day     TEXT NOT NULL,
  agency  TEXT NOT NULL,
  kind    TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (scope, day, agency, kind)
) WITHOUT ROWID;

CREATE TRIGGER monitoring_scopes_insert AFTER INSERT ON monitoring_scopes BEGIN
  INSERT INTO monitoring_count_days (scope, day, dim, value, n)
    VALUES (NEW.scope, NEW.day, 'case_type', NEW.case_type, 1), (NEW.scope, NEW.day, 'priority', NEW.priority, 1),
           (NEW.scope, NEW.day, 'nationality', NEW.nationality, 1), (NEW.scope, NEW.day, 'country', NEW.country, 1),
           (NEW.scope, NEW.day, 'outcome', NEW.outcome, 1)
    ON CONFLICT (scope, day, dim, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER monitoring_scopes_delete AFTER DELETE ON monitoring_scopes BEGIN
  UPDATE monitoring_count_days SET n = n - 1 WHERE scope = OLD.scope AND day = OLD.day AND (
    (dim = 'case_type' AND value = OLD.case_type) OR (dim = 'priority' AND value = OLD.priority) OR (dim = 'nationality' AND value = OLD.nationality)
    OR (dim = 'country' AND value = OLD.country) OR (dim = 'outcome' AND value = OLD.outcome));
END;
CREATE TRIGGER monitoring_times_insert AFTER INSERT ON monitoring_times BEGIN
  INSERT INTO monitoring_time_days (scope, day, measure, bucket, n) VALUES (NEW.scope, NEW.day, NEW.measure, NEW.bucket, 1)
    ON CONFLICT (scope, day, measure, bucket) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER monitoring_times_delete AFTER DELETE ON monitoring_times BEGIN
  UPDATE monitoring_time_days SET n = n - 1 WHERE scope = OLD.scope AND day = OLD.day AND measure = OLD.measure AND bucket = OLD.bucket;
END;
CREATE TRIGGER monitoring_overdue_insert AFTER INSERT ON monitoring_overdue BEGIN
  INSERT INTO monitoring_overdue_days (scope, day, agency, kind, n) VALUES (NEW.scope, NEW.day, NEW.agency, NEW.kind, NEW.n)
    ON CONFLICT (scope, day, agency, kind) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER monitoring_overdue_delete AFTER DELETE ON monitoring_overdue BEGIN
  UPDATE monitoring_overdue_days SET n = n - OLD.n WHERE scope = OLD.scope AND day = OLD.day AND agency = OLD.agency AND kind = OLD.kind;
END;
