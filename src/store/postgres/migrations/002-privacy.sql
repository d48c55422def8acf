-- Privacy duties (issue 14), as SQLite's migration 016: legal hold, erasure requests and erased
-- tickets (tombstones), and the indexes the retention purge looks by.
ALTER TABLE tickets ADD COLUMN legal_hold_at timestamptz;
ALTER TABLE tickets ADD COLUMN erasure_requested_at timestamptz;
ALTER TABLE tickets ADD COLUMN erased_at timestamptz;
CREATE INDEX transcript_created ON transcript (created_at);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX inbound_events_received ON inbound_events (received_at);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
