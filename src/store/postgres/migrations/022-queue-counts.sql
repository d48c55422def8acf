-- The queue's counts from running totals on PostgreSQL (issue 12, decision 0033), as SQLite's
-- migrations 014 and 018 keep them, and one agency's queue read from an index of its referrals.
--
-- Several instances write tickets at once, so the triggers never update a shared counter row
-- (that would queue every ticket write of the same kind behind one row lock, and deadlock two
-- transactions that move counters in opposite directions): each change of a ticket or referral
-- appends a +1 / -1 row to a `*_changes` table, which takes no lock another writer waits for.
-- `fold_running_totals()` (run every few seconds by each instance, one at a time) moves the
-- changes into the totals. A count reads the totals plus the changes not yet folded, in one
-- statement: exact at every moment, and a few hundred rows whatever the number of tickets.

-- A referral carries its ticket's status, priority and creation time, kept by the triggers
-- below, so that one agency's queue is read in the queue's order from an index of its referrals
-- (instead of walking every ticket and asking whether the agency has it), and counted by status.
ALTER TABLE referrals
  ADD COLUMN ticket_status text NOT NULL DEFAULT 'new',
  ADD COLUMN ticket_priority text NOT NULL DEFAULT '',
  ADD COLUMN ticket_created_at timestamptz NOT NULL DEFAULT '-infinity';
UPDATE referrals r SET ticket_status = t.status, ticket_priority = t.priority, ticket_created_at = t.created_at
  FROM tickets t WHERE t.ref = r.ticket_ref;

CREATE FUNCTION referral_take_ticket_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT t.status, t.priority, t.created_at INTO NEW.ticket_status, NEW.ticket_priority, NEW.ticket_created_at
    FROM tickets t WHERE t.ref = NEW.ticket_ref;
  RETURN NEW;
END
$$;
CREATE TRIGGER referrals_take_ticket_fields BEFORE INSERT OR UPDATE OF ticket_ref ON referrals
  FOR EACH ROW EXECUTE FUNCTION referral_take_ticket_fields();

CREATE FUNCTION ticket_fields_to_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE referrals SET ticket_status = NEW.status, ticket_priority = NEW.priority, ticket_created_at = NEW.created_at
   WHERE ticket_ref = NEW.ref;
  RETURN NULL;
END
$$;
CREATE TRIGGER tickets_fields_to_referrals AFTER UPDATE OF status, priority, created_at ON tickets FOR EACH ROW
  WHEN ((NEW.status, NEW.priority, NEW.created_at) IS DISTINCT FROM (OLD.status, OLD.priority, OLD.created_at))
  EXECUTE FUNCTION ticket_fields_to_referrals();

-- One agency's queue in the queue's order (priority, age, reference): its open tickets (the
-- default), one status, every status.
CREATE INDEX referrals_agency_open ON referrals (agency, ticket_priority, ticket_created_at, ticket_ref) WHERE ticket_status <> 'closed';
CREATE INDEX referrals_agency_queue ON referrals (agency, ticket_status, ticket_priority, ticket_created_at, ticket_ref);
CREATE INDEX referrals_agency_order ON referrals (agency, ticket_priority, ticket_created_at, ticket_ref);

-- Tickets by status and by what the queue filters on (language '' for none).
CREATE TABLE ticket_counts (
  status     text NOT NULL,
  priority   text NOT NULL,
  language   text NOT NULL,
  channel    text NOT NULL,
  case_type  text NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (status, priority, language, channel, case_type)
);
CREATE TABLE ticket_count_changes (
  status     text NOT NULL,
  priority   text NOT NULL,
  language   text NOT NULL,
  channel    text NOT NULL,
  case_type  text NOT NULL,
  n          integer NOT NULL
);
-- Referrals by agency and their ticket's status (an agency's queue counts).
CREATE TABLE referral_counts (
  agency         text NOT NULL,
  ticket_status  text NOT NULL,
  n              bigint NOT NULL,
  PRIMARY KEY (agency, ticket_status)
);
CREATE TABLE referral_count_changes (
  agency         text NOT NULL,
  ticket_status  text NOT NULL,
  n              integer NOT NULL
);
-- A staff member's tickets by status (the counts under "assigned to me").
CREATE TABLE assignee_counts (
  assignee  text NOT NULL,
  status    text NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (assignee, status)
);
CREATE TABLE assignee_count_changes (
  assignee  text NOT NULL,
  status    text NOT NULL,
  n         integer NOT NULL
);

CREATE FUNCTION ticket_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (NEW.status, NEW.priority, NEW.language, NEW.channel, NEW.case_type)
       IS DISTINCT FROM (OLD.status, OLD.priority, OLD.language, OLD.channel, OLD.case_type)) THEN
    INSERT INTO ticket_count_changes VALUES (OLD.status, OLD.priority, COALESCE(OLD.language, ''), OLD.channel, OLD.case_type, -1);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.status, NEW.priority, NEW.language, NEW.channel, NEW.case_type)
       IS DISTINCT FROM (OLD.status, OLD.priority, OLD.language, OLD.channel, OLD.case_type)) THEN
    INSERT INTO ticket_count_changes VALUES (NEW.status, NEW.priority, COALESCE(NEW.language, ''), NEW.channel, NEW.case_type, 1);
  END IF;
  IF (TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (NEW.assignee, NEW.status) IS DISTINCT FROM (OLD.assignee, OLD.status))) AND OLD.assignee IS NOT NULL THEN
    INSERT INTO assignee_count_changes VALUES (OLD.assignee, OLD.status, -1);
  END IF;
  IF (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.assignee, NEW.status) IS DISTINCT FROM (OLD.assignee, OLD.status))) AND NEW.assignee IS NOT NULL THEN
    INSERT INTO assignee_count_changes VALUES (NEW.assignee, NEW.status, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tickets_counts AFTER INSERT OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_counts_follow();
CREATE TRIGGER tickets_counts_update AFTER UPDATE OF status, priority, language, channel, case_type, assignee ON tickets FOR EACH ROW
  WHEN ((NEW.status, NEW.priority, NEW.language, NEW.channel, NEW.case_type, NEW.assignee)
        IS DISTINCT FROM (OLD.status, OLD.priority, OLD.language, OLD.channel, OLD.case_type, OLD.assignee))
  EXECUTE FUNCTION ticket_counts_follow();

CREATE FUNCTION referral_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO referral_count_changes VALUES (OLD.agency, OLD.ticket_status, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO referral_count_changes VALUES (NEW.agency, NEW.ticket_status, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER referrals_counts AFTER INSERT OR DELETE ON referrals FOR EACH ROW EXECUTE FUNCTION referral_counts_follow();
CREATE TRIGGER referrals_counts_update AFTER UPDATE OF agency, ticket_status ON referrals FOR EACH ROW
  WHEN ((NEW.agency, NEW.ticket_status) IS DISTINCT FROM (OLD.agency, OLD.ticket_status))
  EXECUTE FUNCTION referral_counts_follow();

-- Moves the changes into the totals; false when another session is folding (it will have
-- them). Only one fold at a time (an advisory lock of the transaction), so the totals' rows are
-- updated by one writer and two folds never deadlock.
CREATE FUNCTION fold_running_totals() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(1601622) THEN
    RETURN false;
  END IF;
  WITH moved AS (DELETE FROM ticket_count_changes RETURNING *)
  INSERT INTO ticket_counts AS c (status, priority, language, channel, case_type, n)
    SELECT status, priority, language, channel, case_type, sum(n) FROM moved GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (status, priority, language, channel, case_type) DO UPDATE SET n = c.n + EXCLUDED.n;
  WITH moved AS (DELETE FROM referral_count_changes RETURNING *)
  INSERT INTO referral_counts AS c (agency, ticket_status, n)
    SELECT agency, ticket_status, sum(n) FROM moved GROUP BY 1, 2
    ON CONFLICT (agency, ticket_status) DO UPDATE SET n = c.n + EXCLUDED.n;
  WITH moved AS (DELETE FROM assignee_count_changes RETURNING *)
  INSERT INTO assignee_counts AS c (assignee, status, n)
    SELECT assignee, status, sum(n) FROM moved GROUP BY 1, 2
    ON CONFLICT (assignee, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN true;
END
$$;

-- Computes the referrals' copies and every total again from the rows (this migration; a bulk
-- load that ran without the triggers; a repair), writers held off meanwhile.
CREATE FUNCTION rebuild_running_totals() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE tickets, referrals IN SHARE MODE;
  PERFORM pg_advisory_xact_lock(1601622);
  UPDATE referrals r SET ticket_status = t.status, ticket_priority = t.priority, ticket_created_at = t.created_at
    FROM tickets t
   WHERE t.ref = r.ticket_ref AND (r.ticket_status, r.ticket_priority, r.ticket_created_at) IS DISTINCT FROM (t.status, t.priority, t.created_at);
  DELETE FROM ticket_count_changes;
  DELETE FROM ticket_counts;
  INSERT INTO ticket_counts (status, priority, language, channel, case_type, n)
    SELECT status, priority, COALESCE(language, ''), channel, case_type, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5;
  DELETE FROM referral_count_changes;
  DELETE FROM referral_counts;
  INSERT INTO referral_counts (agency, ticket_status, n)
    SELECT agency, ticket_status, count(*) FROM referrals GROUP BY 1, 2;
  DELETE FROM assignee_count_changes;
  DELETE FROM assignee_counts;
  INSERT INTO assignee_counts (assignee, status, n)
    SELECT assignee, status, count(*) FROM tickets WHERE assignee IS NOT NULL GROUP BY 1, 2;
END
$$;
SELECT rebuild_running_totals();

-- The metrics' escalation counts (read every few seconds by each instance: src/ops/ops-db-postgres.ts)
-- from the few audit rows they count, not from the whole audit trail (five rows a ticket).
CREATE INDEX audit_escalations ON audit (action) WHERE action IN ('referral.reminded', 'referral.escalated', 'referral.escalated_nobody');
