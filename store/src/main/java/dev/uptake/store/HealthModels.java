package dev.uptake.store;

import dev.uptake.core.health.HealthModel;
import java.time.Instant;
import java.util.List;

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
}
