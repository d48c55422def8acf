-- Delivery under faults (issue 10, items 2, 3, 8, 9).
--
-- reply_to: the inbound event a reply answers. LINE gives every event its own single-use reply
--   token; the reply to an event is sent with that event's token, never another's.
-- retry_key: the X-Line-Retry-Key of the LINE push that carries this row, fixed (and committed)
--   before the first attempt. Rows sent in one push share it; LINE drops a repeat of a key it has
--   accepted, so a push that got through before a crash or a timeout is not shown twice.
-- held_by_outage: the row waits because its platform was down (network error, timeout, 5xx), not
--   because of anything about the row; when the platform answers again these go out at once.
-- parts_sent: how many messages of a row split into several (a long text) the platform has taken,
--   so that a retry (Telegram has no retry key) sends only the rest.
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN retry_key TEXT;
ALTER TABLE outbox ADD COLUMN held_by_outage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;

-- One reply token per event (the old table kept one per chat, and each new event overwrote it).
CREATE TABLE event_reply_tokens (
  channel     TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  token       TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (channel, event_id)
);
CREATE INDEX event_reply_tokens_age ON event_reply_tokens (received_at);
DROP TABLE reply_tokens;

-- Each channel's due rows by themselves: a backlog on one channel (LINE down) must not make every
-- look-up of another channel's rows scan it.
CREATE INDEX outbox_channel_due ON outbox (channel, status, next_attempt_at);
