-- The Account API calls of each workspace, the last 1,000 kept, for the API Status list.
CREATE TABLE api_calls (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  method       TEXT    NOT NULL,
  path         TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  records      INTEGER NOT NULL,
  failures     INTEGER NOT NULL
);
CREATE INDEX api_calls_by_workspace ON api_calls (workspace_id, id);
