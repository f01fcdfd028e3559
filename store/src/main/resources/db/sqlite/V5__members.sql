-- People who sign in to the web app: one sign-in per e-mail address, a role in each workspace.
CREATE TABLE members (
  id            INTEGER PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE memberships (
  member_id    INTEGER NOT NULL REFERENCES members (id),
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
  role         TEXT    NOT NULL CHECK (role IN ('admin', 'viewer')),
  PRIMARY KEY (member_id, workspace_id)
);

-- Signed-in browsers: the cookie's token is stored only as its SHA-256 hash.
CREATE TABLE web_sessions (
  token_hash   TEXT    PRIMARY KEY,
  member_id    INTEGER NOT NULL REFERENCES members (id),
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
  csrf_token   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
