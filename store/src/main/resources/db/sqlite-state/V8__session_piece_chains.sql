-- A session's pieces chain newest first (each names the one before it) from its summary's
-- last_piece, instead of an index of pieces by session that every live commit dirtied all over:
-- pieces are appended at the end of the table, by increasing id (SessionRows).
CREATE TABLE session_piece_chains (
  id     INTEGER PRIMARY KEY,
  prev   INTEGER,
  events TEXT NOT NULL
);
INSERT INTO session_piece_chains (id, prev, events)
  SELECT rowid, lag(rowid) OVER (PARTITION BY workspace_id, session_key, start_ms ORDER BY rowid), events
  FROM session_pieces ORDER BY rowid;
ALTER TABLE sessions ADD COLUMN last_piece INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_piece = (SELECT max(p.rowid) FROM session_pieces p WHERE p.workspace_id = sessions.workspace_id
  AND p.session_key = sessions.session_key AND p.start_ms = sessions.start_ms);
DROP TABLE session_pieces;
ALTER TABLE session_piece_chains RENAME TO session_pieces;
