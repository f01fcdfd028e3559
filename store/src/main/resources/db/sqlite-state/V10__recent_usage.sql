-- A commit adds its usage deltas to this small table, and they move into usage_daily in key order
-- every 65,536 cells (UsageCells): adding live traffic to cells in place dirtied a page per cell
-- all over usage_daily and its index. A cell's value is its row there plus its row here.
CREATE TABLE usage_daily_recent (
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
  measured_ms  INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_key, day, user_id, module, feature)
) WITHOUT ROWID;
CREATE INDEX usage_recent_by_user ON usage_daily_recent (workspace_id, user_id, day);
