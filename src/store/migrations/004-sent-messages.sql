-- The platform ids of the bot's messages in each chat, so that a quick exit can delete them from
-- the person's phone (Telegram allows it for 48 hours). Ids only, never content.
CREATE TABLE sent_messages (
  channel     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  sent_at     TEXT NOT NULL
);
CREATE INDEX sent_messages_chat ON sent_messages (channel, recipient, sent_at);
