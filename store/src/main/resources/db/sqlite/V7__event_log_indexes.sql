-- The debugger's warning filter reads the workspace's warned events newest first without scanning
-- its log. Partial: an append pays for it only when the event carries a warning. (Indexes by user
-- and by account live in state.db, written by the processor in sorted batches: on the log they
-- made durable ingest four times slower, BENCHMARKS.md.)
CREATE INDEX events_with_warnings ON events (workspace_id, seq) WHERE warnings IS NOT NULL;
