-- Workspaces and their credentials. Times are epoch milliseconds (UTC).
CREATE TABLE workspaces (
  id             INTEGER PRIMARY KEY,
  public_id      TEXT    NOT NULL UNIQUE,
  name           TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  webhook_secret TEXT,
  created_at     INTEGER NOT NULL
);

-- Sender keys, issued and rotated as a set; expires_at is NULL for the current set.
CREATE TABLE event_keys (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
  api_key      TEXT    NOT NULL UNIQUE,
  auth_key     TEXT    NOT NULL,
  write_key    TEXT    NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER
);

-- Admin tokens are kept only as SHA-256 hashes.
CREATE TABLE admin_tokens (
  token_hash   TEXT    PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER
);

-- The event log: seq is the processing order; (workspace_id, message_id) deduplicates.
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  message_id   TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  anonymous_id TEXT,
  group_id     TEXT,
  name         TEXT,
  module       TEXT,
  event_time   INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  warnings     TEXT,
  payload      TEXT    NOT NULL
);
CREATE UNIQUE INDEX events_by_message_id ON events (workspace_id, message_id);
CREATE INDEX events_by_workspace ON events (workspace_id, seq);

-- Refused items, for the event debugger; pruned to the latest few thousand per workspace.
CREATE TABLE rejections (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  item_index   INTEGER,
  message_id   TEXT,
  field        TEXT    NOT NULL,
  reason       TEXT    NOT NULL,
  payload      TEXT    NOT NULL
);
CREATE INDEX rejections_by_workspace ON rejections (workspace_id, id);

CREATE TABLE ingest_stats (
  workspace_id  INTEGER PRIMARY KEY,
  received      INTEGER NOT NULL DEFAULT 0,
  accepted      INTEGER NOT NULL DEFAULT 0,
  rejected      INTEGER NOT NULL DEFAULT 0,
  duplicates    INTEGER NOT NULL DEFAULT 0,
  warnings      INTEGER NOT NULL DEFAULT 0,
  processed     INTEGER NOT NULL DEFAULT 0,
  last_event_at INTEGER
);
