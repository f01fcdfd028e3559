-- Sessions with their events (SessionJson), so a late event re-forms only the sessions it reaches.
-- Rows are large, so a rowid table (WITHOUT ROWID suits only small rows).
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
