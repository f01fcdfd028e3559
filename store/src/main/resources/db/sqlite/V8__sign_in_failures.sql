-- Failed sign-ins, kept in the store so that every server sharing it counts them together.
CREATE TABLE sign_in_failures (
  id        INTEGER PRIMARY KEY,
  key       TEXT    NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, failed_at);
