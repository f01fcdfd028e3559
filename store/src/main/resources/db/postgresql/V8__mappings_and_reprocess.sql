-- A workspace's mapping (MappingCodec's JSON), saved through /api/v1/mappings; null: the default.
ALTER TABLE workspace_settings ADD COLUMN mapping text;

-- A workspace's derived state recomputed from its events (POST /api/v1/mappings/reprocess): the
-- request, and how far the replay of the events up to through_seq has come.
CREATE TABLE reprocess (
  workspace_id bigint PRIMARY KEY,
  requested_at bigint NOT NULL,
  started_at   bigint,
  through_seq  bigint NOT NULL DEFAULT 0,
  next_seq     bigint NOT NULL DEFAULT 0,
  done         bigint NOT NULL DEFAULT 0,
  total        bigint NOT NULL DEFAULT 0,
  finished_at  bigint
);
