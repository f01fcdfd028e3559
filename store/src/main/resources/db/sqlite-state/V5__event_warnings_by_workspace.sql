-- The debugger's warning filter reads a workspace's processing warnings newest first. Rows written
-- before this carry NULL until SqliteStore.open fills them from the event log (another file).
ALTER TABLE event_warnings ADD COLUMN workspace_id INTEGER;
CREATE INDEX event_warnings_by_workspace ON event_warnings (workspace_id, seq);

-- The events API's indexes by user and by the account an event names, for the events processing
-- has reached: the processor writes them in sorted batches (on the append path they would cost
-- every request). Events after the cursor are found by reading the log's unprocessed tail.
-- Filled for the events processed before this by SqliteStore.open.
CREATE TABLE events_by_user (
  workspace_id INTEGER NOT NULL,
  user_id      TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id, seq)
) WITHOUT ROWID;
CREATE TABLE events_by_account (
  workspace_id INTEGER NOT NULL,
  account_id   TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_id, seq)
) WITHOUT ROWID;
