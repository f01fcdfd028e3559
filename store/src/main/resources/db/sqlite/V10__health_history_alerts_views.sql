-- Each account's health score per day under each model version: the last score the day had.
CREATE TABLE health_scores (
  workspace_id INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  account_id   TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  score        REAL    NOT NULL,
  band         TEXT    NOT NULL,
  PRIMARY KEY (workspace_id, version, account_id, day)
);
CREATE INDEX health_scores_by_day ON health_scores (workspace_id, version, day);

-- Alert rules as the API's JSON.
CREATE TABLE alert_rules (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  rule         TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX alert_rules_by_workspace ON alert_rules (workspace_id);

-- What a rule remembers of an account ('' for the workspace): when it last fired (cooldown, and a
-- quiet rule's re-arming), the band it last saw, and since when it holds an alert.
CREATE TABLE alert_marks (
  rule_id    INTEGER NOT NULL,
  account_id TEXT    NOT NULL,
  fired_at   INTEGER,
  band       TEXT,
  held_at    INTEGER,
  PRIMARY KEY (rule_id, account_id)
);

-- Alerts fired or held, with the webhook body they deliver.
CREATE TABLE alerts (
  id           TEXT    PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  rule_id      INTEGER NOT NULL,
  account_id   TEXT,
  kind         TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  fired_at     INTEGER NOT NULL,
  body         TEXT    NOT NULL
);
CREATE INDEX alerts_by_time ON alerts (workspace_id, fired_at);

-- One delivery per alert and destination; pending ones are retried until delivered or 24 h old.
CREATE TABLE alert_deliveries (
  alert_id    TEXT    NOT NULL,
  destination INTEGER NOT NULL,
  target      TEXT    NOT NULL,
  status      TEXT    NOT NULL,
  attempts    TEXT    NOT NULL,
  next_at     INTEGER NOT NULL,
  PRIMARY KEY (alert_id, destination)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_at);

-- Work one node of several does at a time (the alert watch): the holder renews its lease.
CREATE TABLE leases (
  name   TEXT    PRIMARY KEY,
  holder TEXT    NOT NULL,
  until  INTEGER NOT NULL
);

-- Saved views of the accounts list, shared by a workspace's members.
CREATE TABLE saved_views (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  view         TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX saved_views_by_workspace ON saved_views (workspace_id);
