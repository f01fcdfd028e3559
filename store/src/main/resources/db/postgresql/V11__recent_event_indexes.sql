-- The events API's indexes take new rows in small tables first and move them into the big ones,
-- in key order, every 65,536 rows (EventIndexes): a commit of live traffic dirtied a page per user
-- all over the big ones.
CREATE TABLE events_by_user_recent (
  workspace_id bigint NOT NULL,
  user_id      text   COLLATE "C" NOT NULL,
  seq          bigint NOT NULL,
  PRIMARY KEY (workspace_id, user_id, seq)
);
CREATE TABLE events_by_account_recent (
  workspace_id bigint NOT NULL,
  account_id   text   COLLATE "C" NOT NULL,
  seq          bigint NOT NULL,
  PRIMARY KEY (workspace_id, account_id, seq)
);
