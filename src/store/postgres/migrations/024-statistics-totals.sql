-- The statistics page from running totals on PostgreSQL (issue 12, decision 0039), as SQLite's
-- migration 018 keeps them (decision 0024), with the queue's change-and-fold scheme (migration 022,
-- decision 0033): the triggers append +1 / -1 rows, which take no lock another writer waits for,
-- and `fold_running_totals()` moves them into the totals every few seconds, one fold at a time.
-- The page reads the totals plus the changes not yet folded: exact at every moment.
--
-- - `ticket_weeks`: tickets created per week (Monday, Thai time) by case type and priority;
-- - `ticket_wait_weeks`: a histogram of first-action waits per week and priority, eight buckets
--   per doubling. The median stays exact: the histogram says which bucket holds the middle ticket
--   and its rank there, and `tickets_waits` (or `referrals_waits`) gives that bucket's waits.
-- `agency = ''` for all tickets, and one row set per referred agency, from the referrals' copies
-- of their ticket's fields.

-- A referral also carries its ticket's case type and first action (with migration 022's copies),
-- so that an agency's totals and waits come from its referrals alone.
ALTER TABLE referrals
  ADD COLUMN ticket_case_type text NOT NULL DEFAULT '',
  ADD COLUMN ticket_first_action_at timestamptz;
-- Filled before the triggers below exist (the rebuild at the end then finds nothing to copy).
UPDATE referrals r SET ticket_case_type = t.case_type, ticket_first_action_at = t.first_action_at
  FROM tickets t WHERE t.ref = r.ticket_ref;

CREATE OR REPLACE FUNCTION referral_take_ticket_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT t.status, t.priority, t.created_at, t.case_type, t.first_action_at
    INTO NEW.ticket_status, NEW.ticket_priority, NEW.ticket_created_at, NEW.ticket_case_type, NEW.ticket_first_action_at
    FROM tickets t WHERE t.ref = NEW.ticket_ref;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION ticket_fields_to_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE referrals SET ticket_status = NEW.status, ticket_priority = NEW.priority, ticket_created_at = NEW.created_at,
                       ticket_case_type = NEW.case_type, ticket_first_action_at = NEW.first_action_at
   WHERE ticket_ref = NEW.ref;
  RETURN NULL;
END
$$;
DROP TRIGGER tickets_fields_to_referrals ON tickets;
CREATE TRIGGER tickets_fields_to_referrals AFTER UPDATE OF status, priority, created_at, case_type, first_action_at ON tickets FOR EACH ROW
  WHEN ((NEW.status, NEW.priority, NEW.created_at, NEW.case_type, NEW.first_action_at)
        IS DISTINCT FROM (OLD.status, OLD.priority, OLD.created_at, OLD.case_type, OLD.first_action_at))
  EXECUTE FUNCTION ticket_fields_to_referrals();

-- The week a ticket counts in: its creation's Monday in Thai time (as the page computed it before).
CREATE FUNCTION stats_week(created timestamptz) RETURNS date LANGUAGE sql STABLE PARALLEL SAFE
  RETURN date_trunc('week', created AT TIME ZONE 'Asia/Bangkok')::date;
-- The histogram bucket of a wait (eight per doubling of milliseconds). Immutable, for the index of
-- waits: the histogram and the index compute it with this one function, so they cannot disagree.
CREATE FUNCTION ticket_wait_bucket(created timestamptz, first_action timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN floor(8 * ln(greatest(extract(epoch FROM first_action - created)::float8 * 1000, 0) + 1) / ln(2))::integer;

CREATE TABLE ticket_weeks (
  agency     text NOT NULL,
  week       date NOT NULL,
  case_type  text NOT NULL,
  priority   text NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (agency, week, case_type, priority)
);
CREATE TABLE ticket_week_changes (
  agency     text NOT NULL,
  week       date NOT NULL,
  case_type  text NOT NULL,
  priority   text NOT NULL,
  n          integer NOT NULL
);
CREATE TABLE ticket_wait_weeks (
  agency     text NOT NULL,
  week       date NOT NULL,
  priority   text NOT NULL,
  bucket     integer NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (agency, week, priority, bucket)
);
CREATE TABLE ticket_wait_week_changes (
  agency     text NOT NULL,
  week       date NOT NULL,
  priority   text NOT NULL,
  bucket     integer NOT NULL,
  n          integer NOT NULL
);

-- A ticket's own rows (agency ''): -1 for what it was, +1 for what it is, only for the totals
-- whose fields changed.
CREATE FUNCTION ticket_stats_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  weeks boolean := TG_OP <> 'UPDATE' OR (NEW.created_at, NEW.case_type, NEW.priority) IS DISTINCT FROM (OLD.created_at, OLD.case_type, OLD.priority);
  waits boolean := TG_OP <> 'UPDATE' OR (NEW.created_at, NEW.priority, NEW.first_action_at) IS DISTINCT FROM (OLD.created_at, OLD.priority, OLD.first_action_at);
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF weeks THEN INSERT INTO ticket_week_changes VALUES ('', stats_week(OLD.created_at), OLD.case_type, OLD.priority, -1); END IF;
    IF waits AND OLD.first_action_at IS NOT NULL THEN
      INSERT INTO ticket_wait_week_changes VALUES ('', stats_week(OLD.created_at), OLD.priority, ticket_wait_bucket(OLD.created_at, OLD.first_action_at), -1);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF weeks THEN INSERT INTO ticket_week_changes VALUES ('', stats_week(NEW.created_at), NEW.case_type, NEW.priority, 1); END IF;
    IF waits AND NEW.first_action_at IS NOT NULL THEN
      INSERT INTO ticket_wait_week_changes VALUES ('', stats_week(NEW.created_at), NEW.priority, ticket_wait_bucket(NEW.created_at, NEW.first_action_at), 1);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tickets_stats AFTER INSERT OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_stats_follow();
CREATE TRIGGER tickets_stats_update AFTER UPDATE OF created_at, case_type, priority, first_action_at ON tickets FOR EACH ROW
  WHEN ((NEW.created_at, NEW.case_type, NEW.priority, NEW.first_action_at) IS DISTINCT FROM (OLD.created_at, OLD.case_type, OLD.priority, OLD.first_action_at))
  EXECUTE FUNCTION ticket_stats_follow();

-- An agency's rows, from its referrals' copies (kept by the triggers above).
CREATE FUNCTION referral_stats_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  weeks boolean := TG_OP <> 'UPDATE' OR (NEW.agency, NEW.ticket_created_at, NEW.ticket_case_type, NEW.ticket_priority)
                   IS DISTINCT FROM (OLD.agency, OLD.ticket_created_at, OLD.ticket_case_type, OLD.ticket_priority);
  waits boolean := TG_OP <> 'UPDATE' OR (NEW.agency, NEW.ticket_created_at, NEW.ticket_priority, NEW.ticket_first_action_at)
                   IS DISTINCT FROM (OLD.agency, OLD.ticket_created_at, OLD.ticket_priority, OLD.ticket_first_action_at);
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF weeks THEN INSERT INTO ticket_week_changes VALUES (OLD.agency, stats_week(OLD.ticket_created_at), OLD.ticket_case_type, OLD.ticket_priority, -1); END IF;
    IF waits AND OLD.ticket_first_action_at IS NOT NULL THEN
      INSERT INTO ticket_wait_week_changes VALUES (OLD.agency, stats_week(OLD.ticket_created_at), OLD.ticket_priority,
                                                   ticket_wait_bucket(OLD.ticket_created_at, OLD.ticket_first_action_at), -1);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF weeks THEN INSERT INTO ticket_week_changes VALUES (NEW.agency, stats_week(NEW.ticket_created_at), NEW.ticket_case_type, NEW.ticket_priority, 1); END IF;
    IF waits AND NEW.ticket_first_action_at IS NOT NULL THEN
      INSERT INTO ticket_wait_week_changes VALUES (NEW.agency, stats_week(NEW.ticket_created_at), NEW.ticket_priority,
                                                   ticket_wait_bucket(NEW.ticket_created_at, NEW.ticket_first_action_at), 1);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER referrals_stats AFTER INSERT OR DELETE ON referrals FOR EACH ROW EXECUTE FUNCTION referral_stats_follow();
CREATE TRIGGER referrals_stats_update AFTER UPDATE OF agency, ticket_created_at, ticket_case_type, ticket_priority, ticket_first_action_at ON referrals FOR EACH ROW
  WHEN ((NEW.agency, NEW.ticket_created_at, NEW.ticket_case_type, NEW.ticket_priority, NEW.ticket_first_action_at)
        IS DISTINCT FROM (OLD.agency, OLD.ticket_created_at, OLD.ticket_case_type, OLD.ticket_priority, OLD.ticket_first_action_at))
  EXECUTE FUNCTION referral_stats_follow();

-- The exact median: one bucket's waits since the start of the period, in order of wait (the
-- acted-on tickets only). One entry per acted-on ticket, and one per acted-on referral.
CREATE INDEX tickets_waits ON tickets (priority, ticket_wait_bucket(created_at, first_action_at), created_at) INCLUDE (first_action_at)
  WHERE first_action_at IS NOT NULL;
CREATE INDEX referrals_waits ON referrals (agency, ticket_priority, ticket_wait_bucket(ticket_created_at, ticket_first_action_at), ticket_created_at)
  INCLUDE (ticket_first_action_at) WHERE ticket_first_action_at IS NOT NULL;

CREATE OR REPLACE FUNCTION fold_running_totals() RETURNS boolean LANGUAGE plpgsql AS $$
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
  WITH moved AS (DELETE FROM ticket_week_changes RETURNING *)
  INSERT INTO ticket_weeks AS c (agency, week, case_type, priority, n)
    SELECT agency, week, case_type, priority, sum(n) FROM moved GROUP BY 1, 2, 3, 4
    ON CONFLICT (agency, week, case_type, priority) DO UPDATE SET n = c.n + EXCLUDED.n;
  WITH moved AS (DELETE FROM ticket_wait_week_changes RETURNING *)
  INSERT INTO ticket_wait_weeks AS c (agency, week, priority, bucket, n)
    SELECT agency, week, priority, bucket, sum(n) FROM moved GROUP BY 1, 2, 3, 4
    ON CONFLICT (agency, week, priority, bucket) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION rebuild_running_totals() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE tickets, referrals IN SHARE MODE;
  PERFORM pg_advisory_xact_lock(1601622);
  UPDATE referrals r SET ticket_status = t.status, ticket_priority = t.priority, ticket_created_at = t.created_at,
                         ticket_case_type = t.case_type, ticket_first_action_at = t.first_action_at
    FROM tickets t
   WHERE t.ref = r.ticket_ref
     AND (r.ticket_status, r.ticket_priority, r.ticket_created_at, r.ticket_case_type, r.ticket_first_action_at)
         IS DISTINCT FROM (t.status, t.priority, t.created_at, t.case_type, t.first_action_at);
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
  DELETE FROM ticket_week_changes;
  DELETE FROM ticket_weeks;
  INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
    SELECT '', stats_week(created_at), case_type, priority, count(*) FROM tickets GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT agency, stats_week(ticket_created_at), ticket_case_type, ticket_priority, count(*) FROM referrals GROUP BY 1, 2, 3, 4;
  DELETE FROM ticket_wait_week_changes;
  DELETE FROM ticket_wait_weeks;
  INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
    SELECT '', stats_week(created_at), priority, ticket_wait_bucket(created_at, first_action_at), count(*) FROM tickets
     WHERE first_action_at IS NOT NULL GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT agency, stats_week(ticket_created_at), ticket_priority, ticket_wait_bucket(ticket_created_at, ticket_first_action_at), count(*) FROM referrals
     WHERE ticket_first_action_at IS NOT NULL GROUP BY 1, 2, 3, 4;
END
$$;
SELECT rebuild_running_totals();
