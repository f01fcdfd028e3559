-- The Account API key (/api/v2), issued and rotated with the event keys; workspaces made before
-- it existed get one now.
ALTER TABLE event_keys ADD COLUMN account_api_key text;
UPDATE event_keys SET account_api_key =
  (SELECT region FROM workspaces w WHERE w.id = event_keys.workspace_id) || '_acct_' || md5(random()::text || clock_timestamp()::text || id::text);
CREATE UNIQUE INDEX event_keys_by_account_api_key ON event_keys (account_api_key);
