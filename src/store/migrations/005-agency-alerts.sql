-- Agency alerts, escalation, reporter updates (issue 6).

-- Where each agency's alerts go. Kept in the database, not in flows/agencies.yaml, because the
-- webhook secret must never be committed to git. Managed with `npm run cli -- alerts set`.
CREATE TABLE agency_alerts (
  agency         TEXT PRIMARY KEY,
  telegram_chat  TEXT,                               -- a Telegram group's chat id (e.g. -100123...)
  line_group     TEXT,                               -- a LINE group id the bot has joined (C...)
  webhook_url    TEXT,                               -- https:// endpoint of a case-management system
  webhook_secret TEXT,                               -- HMAC-SHA256 key for X-Tangrod-Signature
  lang           TEXT NOT NULL DEFAULT 'th',         -- th | en, the language of chat alerts
  updated_at     TEXT NOT NULL
);

-- LINE groups the bot was added to (the join event), so that an admin can pick the id.
CREATE TABLE line_groups (
  group_id   TEXT PRIMARY KEY,
  joined_at  TEXT NOT NULL,
  left_at    TEXT
);

-- A staff member's Telegram user id: the "claim" button on an alert works for linked accounts,
-- and escalations reach supervisors in a private chat with the bot.
ALTER TABLE staff_users ADD COLUMN telegram_user_id TEXT;
CREATE UNIQUE INDEX staff_users_telegram ON staff_users (telegram_user_id) WHERE telegram_user_id IS NOT NULL;

-- The reporter wrote after the screening ended (or after staff wrote): shown as "new message"
-- until a staff member opens the ticket.
ALTER TABLE tickets ADD COLUMN updated_by_reporter_at TEXT;

-- How far an unaccepted referral has been escalated: 0 none, 1 reminded, 2 escalated. A column
-- rather than a scan of the audit trail, so that tick() can compare-and-set it (idempotent).
ALTER TABLE referrals ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
