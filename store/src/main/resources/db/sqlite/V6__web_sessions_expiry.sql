-- Expired sign-in sessions are deleted whenever one starts (SqliteMembers.startSession).
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
