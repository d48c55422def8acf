-- A reply on the danger path goes out ahead of other chats' replies when there is a backlog, as
-- SQLite's migration 014 (issue 12). (That migration's other columns and ticket_counts are SQLite's
-- own speed-ups, kept by triggers; PostgreSQL counts and orders from the tickets themselves.)
ALTER TABLE outbox ADD COLUMN urgent boolean NOT NULL DEFAULT false;
