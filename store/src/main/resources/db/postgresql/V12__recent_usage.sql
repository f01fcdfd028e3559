-- The embedded store adds usage deltas to a small table first and moves them into usage_daily in
-- key order (UsageCells). On PostgreSQL several processors add to the same cells, and deltas go
-- straight into usage_daily: this table stays empty, so both stores read cells the same way.
CREATE TABLE usage_daily_recent (LIKE usage_daily INCLUDING ALL);
