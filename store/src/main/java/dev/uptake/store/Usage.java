package dev.uptake.store;

import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionSource;
import java.time.LocalDate;
import java.util.List;

/** Sessions and daily usage of a workspace, as processing last committed them. */
public interface Usage {

  /** The workspace's stored sessions, for the processing stage. */
  SessionSource sessions(long workspaceId);

  /**
   * The cells of an account's usage on days {@code from} to {@code to} (inclusive): those that
   * name it, and those of its linked users that name no account.
   */
  List<UsageRow> accountUsage(long workspaceId, String accountId, LocalDate from, LocalDate to);

  List<UsageRow> userUsage(long workspaceId, String userId, LocalDate from, LocalDate to);

  /** An account's sessions starting in {@code [fromMillis, toMillis)}, newest first. */
  List<Session> accountSessions(long workspaceId, String accountId, long fromMillis, long toMillis, int limit);

  List<Session> userSessions(long workspaceId, String userId, long fromMillis, long toMillis, int limit);
}
