-- A session's events move to pieces appended per batch that grows it (SessionMerge.Growth), so a
-- batch writes each touched session's new events, not the whole session again.
CREATE TABLE session_pieces (
  workspace_id INTEGER NOT NULL,
  session_key  TEXT    NOT NULL,
  start_ms     INTEGER NOT NULL,
  events       TEXT    NOT NULL
);
CREATE INDEX session_pieces_by_session ON session_pieces (workspace_id, session_key, start_ms);
INSERT INTO session_pieces (workspace_id, session_key, start_ms, events)
  SELECT workspace_id, session_key, start_ms, events FROM sessions;
ALTER TABLE sessions DROP COLUMN events;
