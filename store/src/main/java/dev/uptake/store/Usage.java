package dev.uptake.store;

import dev.uptake.core.rollups.DayActivity;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionSource;
import java.time.LocalDate;
import java.util.Collection;
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

  /**
   * The cells on days {@code from} to {@code to} (inclusive) of one of {@code modules} or one of
   * {@code features}, of every account: what the health model's module and feature metrics read.
   */
  List<UsageRow> cellsOf(long workspaceId, Collection<String> modules, Collection<String> features, LocalDate from, LocalDate to);

  /** Every activity row on days {@code from} to {@code to} (inclusive). */
  List<DayActivity> activity(long workspaceId, LocalDate from, LocalDate to);

  /**
   * The activity rows on days {@code from} to {@code to} that name one of {@code accountKeys}, and
   * the account-less ones of {@code accountlessUsers}.
   */
  List<DayActivity> activity(
      long workspaceId, Collection<String> accountKeys, Collection<String> accountlessUsers, LocalDate from, LocalDate to);

  /**
   * Activity rows on days before {@code before} written by processing commits after version {@code
   * afterVersion}, up to {@code upToVersion} ({@link ProcessingLog#version()}).
   */
  List<DayActivity> activityChanged(long workspaceId, long afterVersion, long upToVersion, LocalDate before);
}
