package dev.uptake.core.rollups;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One daily usage cell.
 *
 * @param day in the workspace's time zone
 * @param accountKey the account the starting event named, or "" when it counts for its user's link
 * @param module the current module, {@link Contributions#NO_MODULE} before any, or {@link
 *     Contributions#SESSION_ROW} for the row that counts sessions
 * @param feature the track event's name, or "" for time and other calls
 */
public record Cell(LocalDate day, String userId, String accountKey, String module, String feature) {

  public Cell {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(accountKey, "accountKey");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(feature, "feature");
  }
}
