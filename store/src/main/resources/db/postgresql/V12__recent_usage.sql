-- The embedded store adds usage deltas to a small table first and moves them into usage_daily in
-- key order (UsageCells). On PostgreSQL several processors add to the same cells, and deltas go
-- straight into usage_daily: this table stays empty, so both stores read cells the same way.
CREATE TABLE usage_daily_recent (
  workspace_id bigint NOT NULL,
  account_key  text   COLLATE "C" NOT NULL,
  day          text   COLLATE "C" NOT NULL,
  user_id      text   COLLATE "C" NOT NULL,
  module       text   COLLATE "C" NOT NULL,
  feature      text   COLLATE "C" NOT NULL,
  events       bigint NOT NULL,
  sessions     bigint NOT NULL,
  duration_ms  bigint NOT NULL,
  active_ms    bigint NOT NULL,
  measured_ms  bigint NOT NULL,
  PRIMARY KEY (workspace_id, account_key, day, user_id, module, feature)
);
CREATE INDEX usage_recent_by_user ON usage_daily_recent (workspace_id, user_id, day);
