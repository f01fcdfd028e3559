-- A workspace's derived state recomputed from its events (POST /api/v1/mappings/reprocess): the
-- request, and how far the replay of the events up to through_seq has come. In this file, so the
-- replay's progress moves atomically with the state it writes.
CREATE TABLE reprocess (
  workspace_id INTEGER PRIMARY KEY,
  requested_at INTEGER NOT NULL,
  started_at   INTEGER,
  through_seq  INTEGER NOT NULL DEFAULT 0,
  next_seq     INTEGER NOT NULL DEFAULT 0,
  done         INTEGER NOT NULL DEFAULT 0,
  total        INTEGER NOT NULL DEFAULT 0,
  finished_at  INTEGER
);
