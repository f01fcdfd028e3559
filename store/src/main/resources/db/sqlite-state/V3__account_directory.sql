-- What the accounts list reads. updated_seq: the last log seq of the batch that wrote the row, so
-- a reader that keeps accounts in memory loads only what changed since it last looked.
ALTER TABLE users ADD COLUMN updated_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN updated_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_by_update ON users (workspace_id, updated_seq);
CREATE INDEX accounts_by_update ON accounts (workspace_id, updated_seq);

-- usage_daily summed over modules and features: one row per account key, user and day with activity.
CREATE TABLE activity_daily (
  workspace_id INTEGER NOT NULL,
  account_key  TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  events       INTEGER NOT NULL,
  sessions     INTEGER NOT NULL,
  active_ms    INTEGER NOT NULL,
  updated_seq  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_key, user_id, day)
) WITHOUT ROWID;
CREATE INDEX activity_by_day ON activity_daily (workspace_id, day);
CREATE INDEX activity_by_update ON activity_daily (workspace_id, updated_seq);
INSERT INTO activity_daily (workspace_id, account_key, user_id, day, events, sessions, active_ms, updated_seq)
  SELECT workspace_id, account_key, user_id, day, sum(events), sum(sessions), sum(active_ms), 0
  FROM usage_daily GROUP BY workspace_id, account_key, user_id, day
  HAVING sum(events) <> 0 OR sum(sessions) <> 0 OR sum(active_ms) <> 0;
