-- Retention purge and erasure through indexes (decision 0038): "did this conversation become a
-- ticket" is a lookup by conversation id, or, for a ticket without one, by its session. Narrow and
-- few: one entry per ticket in total on the insert path (the session index holds only tickets
-- without a conversation id).
CREATE INDEX tickets_conversation ON tickets (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX tickets_session ON tickets (session_id) WHERE conversation_id IS NULL;
-- The tickets on legal hold (a handful): the audit purge keeps their trail without reading every ticket.
CREATE INDEX tickets_held ON tickets (ref) WHERE legal_hold_at IS NOT NULL;
