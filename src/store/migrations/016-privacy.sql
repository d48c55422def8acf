-- Privacy duties (issue 14): legal hold, erasure requests and erased tickets (tombstones).
--
-- legal_hold_at: a criminal case is open; retention purges and erasure leave the ticket alone
--   until it is released (both audited).
-- erasure_requested_at: the reporter asked from the chat (/delete) that the case be erased; an
--   administrator decides, because the ticket may be evidence.
-- erased_at: an administrator erased the ticket: its answers, transcript, attachments, notes and
--   the chat's outbox content are gone; the row is a tombstone (reference, dates, priority, case
--   type, outcome, referrals) kept for statistics.
ALTER TABLE tickets ADD COLUMN legal_hold_at TEXT;
ALTER TABLE tickets ADD COLUMN erasure_requested_at TEXT;
ALTER TABLE tickets ADD COLUMN erased_at TEXT;

-- The retention purge looks for old rows by time.
CREATE INDEX transcript_created ON transcript (created_at);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX inbound_events_received ON inbound_events (received_at);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
