-- The minute tick's overdue look-up (issue 15), as SQLite's migration 025: the open items whose
-- agency has not been told yet, by due date, rather than every item left open past due.
CREATE INDEX care_items_to_alert ON care_items (due_at) WHERE alerted_at IS NULL AND status NOT IN ('delivered', 'done', 'not_possible') AND done_at IS NULL;
