-- What processing derives from the log moved to its own file, state.db (db/sqlite-state), so a
-- processing commit never holds the event log's write lock. state.db starts with its cursor at 0:
-- the processor rebuilds everything from the log.
DROP TABLE users;
DROP TABLE accounts;
DROP TABLE sessions;
DROP TABLE usage_daily;
DROP TABLE processing_cursor;
ALTER TABLE ingest_stats DROP COLUMN processed;
