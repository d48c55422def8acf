-- The webhook path (issue 12): fewer index writes per message.
--
-- Every outbox index held `status`, so marking a row sent rewrote an entry in each of them. The
-- pending rows now have partial indexes of their own (a row leaves them when it is sent), the
-- chat index leaves `status` out, and the retention purge reads the done rows by their age.
DROP INDEX outbox_due;
DROP INDEX outbox_recipient;
DROP INDEX outbox_channel_due;
CREATE INDEX outbox_chat ON outbox (channel, recipient);
CREATE INDEX outbox_pending_chat ON outbox (channel, recipient, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_due ON outbox (channel, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_done_age ON outbox (COALESCE(sent_at, created_at)) WHERE status IN ('sent', 'failed');

-- The rowid is the order already: this index was written on every event for nothing.
DROP INDEX inbox_order;
