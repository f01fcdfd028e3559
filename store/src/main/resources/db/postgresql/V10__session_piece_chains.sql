-- A session's pieces chain newest first (each names the one before it) from its summary's
-- last_piece, instead of an index of pieces by session that every live commit dirtied all over:
-- pieces are appended by increasing id from one sequence (SessionRows).
ALTER TABLE session_pieces ADD COLUMN id bigserial PRIMARY KEY;
ALTER TABLE session_pieces ADD COLUMN prev bigint;
UPDATE session_pieces p SET prev = chained.prev
  FROM (SELECT id, lag(id) OVER (PARTITION BY workspace_id, session_key, start_ms ORDER BY id) AS prev
        FROM session_pieces) chained
  WHERE p.id = chained.id AND chained.prev IS NOT NULL;
ALTER TABLE sessions ADD COLUMN last_piece bigint NOT NULL DEFAULT 0;
UPDATE sessions s SET last_piece = newest.id
  FROM (SELECT workspace_id, session_key, start_ms, max(id) AS id FROM session_pieces
        GROUP BY workspace_id, session_key, start_ms) newest
  WHERE s.workspace_id = newest.workspace_id AND s.session_key = newest.session_key AND s.start_ms = newest.start_ms;
ALTER TABLE sessions ALTER COLUMN last_piece DROP DEFAULT;
DROP INDEX session_pieces_by_session;
ALTER TABLE session_pieces DROP COLUMN workspace_id, DROP COLUMN session_key, DROP COLUMN start_ms;
