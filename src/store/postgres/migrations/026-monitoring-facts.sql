-- The monitoring report from per-ticket facts and totals per day on PostgreSQL (issue 12, decision
-- 0028, amendment of 2026-12-03), as SQLite's migration 021 keeps them: a page reads a few thousand
-- rows of totals instead of every ticket of its period with its audit trail (7.5 s at a million
-- tickets before).
--
-- Triggers mark a ticket whose figures may have changed (monitoring_dirty); the store computes the
-- marked tickets' facts again, in SQL (src/store/postgres/monitoring.ts), a step at a time, one
-- instance at a time, and keeps the totals in the same transaction. A step deletes the marks it
-- takes before it reads; a write marking one of those tickets meanwhile waits for the step's
-- commit, then marks it again. `v` counts the marks of a ticket not yet computed.
CREATE TABLE monitoring_dirty (
  ticket_ref  text PRIMARY KEY,
  v           bigint NOT NULL DEFAULT 1
);
-- Every ticket already there: the background catch-up computes them after the upgrade.
INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets;

-- Marks one or two tickets (a row moved from one to another marks both), in order of reference.
CREATE FUNCTION monitoring_mark(old_ref text, new_ref text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO monitoring_dirty AS d (ticket_ref)
    SELECT DISTINCT r FROM unnest(ARRAY[old_ref, new_ref]) AS r WHERE r IS NOT NULL ORDER BY r
  ON CONFLICT (ticket_ref) DO UPDATE SET v = d.v + 1
$$;

CREATE FUNCTION monitoring_mark_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM monitoring_mark(OLD.ref, NULL);
  ELSE
    PERFORM monitoring_mark(NULL, NEW.ref);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION monitoring_mark_ticket_ref() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM monitoring_mark(NULL, NEW.ticket_ref);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM monitoring_mark(OLD.ticket_ref, NULL);
  ELSE
    PERFORM monitoring_mark(OLD.ticket_ref, NEW.ticket_ref);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER monitoring_ticket_insert_delete AFTER INSERT OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION monitoring_mark_ticket();
-- json has no equality: the answers are compared as text.
CREATE TRIGGER monitoring_ticket_update AFTER UPDATE OF created_at, case_type, priority, status, outcome, answers ON tickets FOR EACH ROW
  WHEN ((NEW.created_at, NEW.case_type, NEW.priority, NEW.status, NEW.outcome, NEW.answers::text)
        IS DISTINCT FROM (OLD.created_at, OLD.case_type, OLD.priority, OLD.status, OLD.outcome, OLD.answers::text))
  EXECUTE FUNCTION monitoring_mark_ticket();
-- A ticket is counted in the report of each agency it is referred to.
CREATE TRIGGER monitoring_referral_insert_delete AFTER INSERT OR DELETE ON referrals FOR EACH ROW EXECUTE FUNCTION monitoring_mark_ticket_ref();
CREATE TRIGGER monitoring_referral_update AFTER UPDATE OF ticket_ref, agency ON referrals FOR EACH ROW EXECUTE FUNCTION monitoring_mark_ticket_ref();
-- The audit actions the figures read (MONITORED_ACTIONS in src/monitoring/figures.ts; a test holds
-- the two lists equal). Other rows (a ticket viewed, a note) mark nothing.
CREATE TRIGGER monitoring_audit_insert AFTER INSERT ON audit FOR EACH ROW
  WHEN (NEW.ticket_ref IS NOT NULL AND NEW.action IN ('ticket.created', 'ticket.claimed', 'ticket.assigned', 'ticket.status_changed', 'referral.accepted', 'referral.declined', 'referral.created', 'ticket.transferred', 'message.sent', 'ticket.marked_duplicate', 'service.status_changed', 'return.started', 'return.step_changed', 'service.requested', 'return.completed', 'referral.reminded', 'service.overdue', 'return_step.overdue'))
  EXECUTE FUNCTION monitoring_mark_ticket_ref();
CREATE TRIGGER monitoring_audit_delete AFTER DELETE ON audit FOR EACH ROW
  WHEN (OLD.ticket_ref IS NOT NULL AND OLD.action IN ('ticket.created', 'ticket.claimed', 'ticket.assigned', 'ticket.status_changed', 'referral.accepted', 'referral.declined', 'referral.created', 'ticket.transferred', 'message.sent', 'ticket.marked_duplicate', 'service.status_changed', 'return.started', 'return.step_changed', 'service.requested', 'return.completed', 'referral.reminded', 'service.overdue', 'return_step.overdue'))
  EXECUTE FUNCTION monitoring_mark_ticket_ref();
CREATE TRIGGER monitoring_audit_update AFTER UPDATE ON audit FOR EACH ROW
  WHEN (OLD.ticket_ref IS NOT NULL OR NEW.ticket_ref IS NOT NULL)
  EXECUTE FUNCTION monitoring_mark_ticket_ref();

-- A ticket's facts, per scope: '' (all agencies) and each agency it is referred to. `day` is the
-- Thai calendar day of its creation (a report's period is whole Thai days).
CREATE TABLE monitoring_scopes (
  ticket_ref   text NOT NULL,
  scope        text NOT NULL,
  day          date NOT NULL,
  case_type    text NOT NULL,
  priority     text NOT NULL,
  nationality  text NOT NULL,
  country      text NOT NULL,
  outcome      text NOT NULL,
  PRIMARY KEY (ticket_ref, scope)
);
-- Each time measured on the ticket (first_action, referral_accepted, service_delivered:<kind>,
-- return_completed), with its bucket on a log scale (eight per doubling, from a second).
CREATE TABLE monitoring_times (
  ticket_ref  text NOT NULL,
  scope       text NOT NULL,
  measure     text NOT NULL,
  day         date NOT NULL,
  bucket      integer NOT NULL,
  ms          float8 NOT NULL
);
CREATE INDEX monitoring_times_ticket ON monitoring_times (ticket_ref);
-- One bucket's times in a period, in order: the exact median and 90th percentile.
CREATE INDEX monitoring_times_rank ON monitoring_times (scope, measure, bucket, day, ms);
-- Overdue audit rows of the ticket, by the agency named and the action that said it.
CREATE TABLE monitoring_overdue (
  ticket_ref  text NOT NULL,
  scope       text NOT NULL,
  agency      text NOT NULL,
  action      text NOT NULL,
  day         date NOT NULL,
  n           integer NOT NULL,
  PRIMARY KEY (ticket_ref, scope, agency, action)
);

-- The totals per scope and day, changed in the transaction that changes the facts.
CREATE TABLE monitoring_count_days (
  scope  text NOT NULL,
  day    date NOT NULL,
  dim    text NOT NULL,
  value  text NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (scope, day, dim, value)
);
CREATE TABLE monitoring_time_days (
  scope    text NOT NULL,
  day      date NOT NULL,
  measure  text NOT NULL,
  bucket   integer NOT NULL,
  n        bigint NOT NULL,
  PRIMARY KEY (scope, day, measure, bucket)
);
CREATE TABLE monitoring_overdue_days (
  scope   text NOT NULL,
  day     date NOT NULL,
  agency  text NOT NULL,
  action  text NOT NULL,
  n       bigint NOT NULL,
  PRIMARY KEY (scope, day, agency, action)
);
