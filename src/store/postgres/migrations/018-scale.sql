-- Staff pages at a million tickets (issue 12, decision 0024), as SQLite's migrations 014 and 018.
--
-- The queue and the API list show tickets by priority, then oldest first, then by reference (the
-- keyset cursor's order). These indexes are in that order, so a page is read from an index and
-- stops at its limit instead of sorting every ticket; the open ones (the queue's default) have
-- their own, smaller, partial indexes, one for each filter of the queue.
DROP INDEX tickets_open_queue;
DROP INDEX tickets_queue;
DROP INDEX tickets_assignee;
CREATE INDEX tickets_order ON tickets (priority, created_at, ref);
CREATE INDEX tickets_queue ON tickets (status, priority, created_at, ref);
CREATE INDEX tickets_open_order ON tickets (priority, created_at, ref) WHERE status <> 'closed';
CREATE INDEX tickets_open_language ON tickets (language, priority, created_at, ref) WHERE status <> 'closed';
CREATE INDEX tickets_open_channel ON tickets (channel, priority, created_at, ref) WHERE status <> 'closed';
CREATE INDEX tickets_assignee ON tickets (assignee, priority, created_at, ref) WHERE assignee IS NOT NULL;
-- The escalation tick (every minute) reads only the referrals it may still have to chase.
DROP INDEX referrals_pending;
CREATE INDEX referrals_to_chase ON referrals (created_at) WHERE status = 'pending' AND escalation_level < 2;
-- The statistics read the period's tickets from the index alone.
DROP INDEX tickets_created;
CREATE INDEX tickets_created ON tickets (created_at) INCLUDE (case_type, priority, first_action_at, status);
