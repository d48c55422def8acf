-- The retention purge in slices (decision 0044): a slice of expired closed tickets finds their
-- files through this index, not by reading every file's row. Files are few on the insert path (a
-- photo), so the index costs the webhook path nothing.
CREATE INDEX attachments_ticket ON attachments (ticket_ref) WHERE ticket_ref IS NOT NULL;
