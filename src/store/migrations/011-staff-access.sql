-- Staff access (issue 10, item 7): API tokens expire and record when they were last used.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
-- Tokens made before expiry existed get the default 90 days from the upgrade, so none stops at once.
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days') WHERE revoked_at IS NULL AND expires_at IS NULL;
