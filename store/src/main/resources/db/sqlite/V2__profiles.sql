-- Users and accounts as the processing stage keeps them: one JSON state per row (ProfileJson).
-- Rows are large, so rowid tables (WITHOUT ROWID suits only small rows).
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

CREATE TABLE workspace_settings (
  workspace_id INTEGER PRIMARY KEY,
  settings     TEXT    NOT NULL
);

-- The processing stage's durable cursor: the last event log seq it has committed.
CREATE TABLE processing_cursor (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
INSERT INTO processing_cursor (id, seq) VALUES (1, 0);
