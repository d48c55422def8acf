-- The retention purge's expired closed tickets through an index (decision 0038): closed, not held,
-- not erased, by the time they last changed. Without it the purge read every closed ticket three
-- times on the bot's thread (0.5 s at 200k tickets, even with nothing to remove). Only closed
-- tickets have an entry, so a new ticket writes none; a ticket writes one when it is closed.
CREATE INDEX tickets_closed_expiry ON tickets (updated_at) WHERE status = 'closed' AND legal_hold_at IS NULL AND erased_at IS NULL;
