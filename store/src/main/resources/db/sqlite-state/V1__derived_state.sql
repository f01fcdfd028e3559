-- Everything the processing stage derives from the event log (uptake.db). It can be rebuilt: a
-- deleted state.db is re-derived from the log on the next start, so commits here skip the sync
-- (synchronous=NORMAL) that acknowledged events need.

-- The last event log seq whose processing is committed; in this file, so it moves atomically with
-- the state it describes.
CREATE TABLE processing_cursor (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
INSERT INTO processing_cursor (id, seq) VALUES (1, 0);

CREATE TABLE processing_stats (
  workspace_id INTEGER PRIMARY KEY,
  processed    INTEGER NOT NULL,
  warnings     INTEGER NOT NULL
);

-- Warnings processing raised about a logged event (ingest's own stay on the event's row).
CREATE TABLE event_warnings (
  seq      INTEGER PRIMARY KEY,
  warnings TEXT    NOT NULL
);

-- Users and accounts: one JSON state per row (ProfileJson). Large rows, so rowid tables.
CREATE TABLE users (
  workspace_id INTEGER NOT NULL,
  user_id      TEXT    NOT NULL,
  account_id   TEXT,
  state        TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX users_by_account ON users (workspace_id, account_id);

CREATE TABLE accounts (
  workspace_id INTEGER NOT NULL,
  account_id   TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, account_id)
);

-- Sessions with their events (SessionJson), so a late event re-forms only the sessions it reaches.
CREATE TABLE sessions (
  workspace_id INTEGER NOT NULL,
  session_key  TEXT    NOT NULL,
  start_ms     INTEGER NOT NULL,
  end_ms       INTEGER NOT NULL,
  user_id      TEXT    NOT NULL,
  account_key  TEXT    NOT NULL,
  events       TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, session_key, start_ms)
);
CREATE INDEX sessions_by_account ON sessions (workspace_id, account_key, start_ms);
CREATE INDEX sessions_by_user ON sessions (workspace_id, user_id, start_ms);

-- Daily usage cells (dev.uptake.core.rollups.Cell): account_key '' counts for the user's link.
CREATE TABLE usage_daily (
  workspace_id INTEGER NOT NULL,
  account_key  TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  module       TEXT    NOT NULL,
  feature      TEXT    NOT NULL,
  events       INTEGER NOT NULL,
  sessions     INTEGER NOT NULL,
  duration_ms  INTEGER NOT NULL,
  active_ms    INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_key, day, user_id, module, feature)
) WITHOUT ROWID;
CREATE INDEX usage_by_user ON usage_daily (workspace_id, user_id, day);
