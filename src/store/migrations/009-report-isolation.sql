-- Each report is its own conversation (issue 10): a chat (session) may hold several reports, one
-- after another, each with its own ticket. Rows carry the conversation they belong to, so that a
-- ticket shows only its own screening, never another report of the same chat.
ALTER TABLE transcript ADD COLUMN conversation_id TEXT;
-- A row written to a case after its screening (the reporter's later message, staff writing, a case
-- update) belongs to that ticket alone, whichever conversation the chat is in.
ALTER TABLE transcript ADD COLUMN ticket_ref TEXT;
CREATE INDEX transcript_conversation ON transcript (conversation_id, id);
CREATE INDEX transcript_ticket ON transcript (ticket_ref, id);

ALTER TABLE attachments ADD COLUMN conversation_id TEXT;
ALTER TABLE tickets ADD COLUMN conversation_id TEXT;

-- The reporter used the quick exit: nothing is sent to the chat (staff messages, case updates)
-- until they write again, which clears it.
ALTER TABLE tickets ADD COLUMN reporter_left_at TEXT;
