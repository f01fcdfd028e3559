package dev.uptake.store;

import dev.uptake.core.health.HealthModel;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Each workspace's health models: saving one starts a new version, and the older ones stay
 * readable, with the scores their days had under them.
 */
public interface HealthModels {

  /**
   * A model as saved.
   *
   * @param version 1 for a workspace's first, then one more each time; 0 for a workspace that saved none
   * @param since when it was saved
   */
  record Version(long version, HealthModel model, Instant since) {
    public static final Version NONE = new Version(0, HealthModel.NONE, Instant.EPOCH);
  }

  /** The workspace's current model, or {@link Version#NONE}. */
  Version current(long workspaceId);

  /** Saves {@code model} as the workspace's next version, effective from {@code since}. */
  Version save(long workspaceId, HealthModel model, Instant since);

  /** Every version the workspace saved, oldest first. */
  List<Version> versions(long workspaceId);

  /** An account's score on a day under one version: the last one the day had. */
  record Point(String accountId, LocalDate day, double score, String band) {}

  /** Keeps {@code points} as their days' scores under {@code version}, replacing what those days had. */
  void record(long workspaceId, long version, Collection<Point> points);

  /** Every account's point on {@code day} under {@code version}, by account id. */
  Map<String, Point> pointsOn(long workspaceId, long version, LocalDate day);

  /** An account's points under {@code version} on days {@code from} to {@code to}, oldest first. */
  List<Point> history(long workspaceId, long version, String accountId, LocalDate from, LocalDate to);
}
