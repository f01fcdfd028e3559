-- Events processing could not process, set aside so everything else goes on (the Processor narrows
-- a failing batch down to them). Each keeps its error until an admin asks for a retry.
CREATE TABLE quarantine (
  seq             INTEGER PRIMARY KEY,
  workspace_id    INTEGER NOT NULL,
  message_id      TEXT    NOT NULL,
  error           TEXT    NOT NULL,
  failed_at       INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  retry_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quarantine_by_message_id ON quarantine (workspace_id, message_id);
CREATE INDEX quarantine_retries ON quarantine (retry_requested, seq);

-- Change tracking counts processing commits, not log positions: a retried event commits long after
-- the cursor passed it, and its changes must still be newer than anything a reader has seen.
ALTER TABLE processing_cursor ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE processing_cursor SET version = seq;
ALTER TABLE users RENAME COLUMN updated_seq TO updated_version;
ALTER TABLE accounts RENAME COLUMN updated_seq TO updated_version;
ALTER TABLE activity_daily RENAME COLUMN updated_seq TO updated_version;
