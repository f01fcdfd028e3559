-- The events API's indexes take new rows in small tables first and move them into the big ones,
-- in key order, every 65,536 rows (EventIndexes): a commit of live traffic dirtied a page per user
-- all over the big ones.
CREATE TABLE events_by_user_recent (LIKE events_by_user INCLUDING ALL);
CREATE TABLE events_by_account_recent (LIKE events_by_account INCLUDING ALL);
