-- The minute tick's overdue look-up (issue 15), through an index of the open items whose agency
-- has not been told yet: an item stays open past due for good when no one marks it delivered, and
-- the tick had read every such item, every minute, to skip those already told.
CREATE INDEX care_items_to_alert ON care_items (due_at) WHERE alerted_at IS NULL AND status NOT IN ('delivered', 'done', 'not_possible') AND done_at IS NULL;
