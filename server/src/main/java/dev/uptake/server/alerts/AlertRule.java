package dev.uptake.server.alerts;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A rule: what condition fires it, for which accounts, how often, and where its alerts go.
 *
 * @param id 0 before it is saved
 * @param filter the accounts list's filters as a query string ({@code tier=Gold}); "" for every account
 * @param threshold the kind's number: days (quiet), percent (usageDrop), the percent below or above
 *     (seatUtilization), minutes (trackingStopped)
 * @param windowDays usageDrop's window
 * @param band healthBand's band
 * @param above seatUtilization: fires above the threshold rather than below
 * @param seatsDimension seatUtilization: the number dimension of seats; null for the health profile's
 * @param appUrl where Slack messages link the account page to
 */
public record AlertRule(
    long id, String name, Kind kind, double threshold, int windowDays, String band, boolean above, String seatsDimension,
    String filter, double cooldownHours, boolean paused, List<Destination> destinations, String appUrl) {

  /** What a rule watches. */
  public enum Kind {
    QUIET("quiet"),
    USAGE_DROP("usageDrop"),
    HEALTH_BAND("healthBand"),
    SEAT_UTILIZATION("seatUtilization"),
    TRACKING_STOPPED("trackingStopped");

    final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Kind of(String id) {
      for (Kind kind : values()) {
        if (kind.id.equals(id)) {
          return kind;
        }
      }
      return null;
    }

    /** Alerts of these kinds are held while the workspace's traffic has stopped. */
    boolean heldWhileTrackingStopped() {
      return this == QUIET || this == USAGE_DROP;
    }
  }

  /** Where alerts go: a signed webhook, or a Slack incoming webhook. */
  public record Destination(String type, URI url, String secret) {
    public static final String WEBHOOK = "webhook";
    public static final String SLACK = "slack";

    public boolean slack() {
      return type.equals(SLACK);
    }
  }

  public AlertRule {
    destinations = List.copyOf(destinations);
  }

  public AlertRule withId(long newId) {
    return new AlertRule(newId, name, kind, threshold, windowDays, band, above, seatsDimension, filter, cooldownHours, paused,
        destinations, appUrl);
  }

  /** The rule in words, for a Slack line and a page: "no activity for 7 days". */
  public String describe() {
    return switch (kind) {
      case QUIET -> "no activity for " + whole(threshold) + " days";
      case USAGE_DROP -> "active time down " + whole(threshold) + "% or more over " + windowDays + " days";
      case HEALTH_BAND -> "health became " + band;
      case SEAT_UTILIZATION -> "seat utilization " + (above ? "above " : "below ") + whole(threshold) + "%";
      case TRACKING_STOPPED -> "no events for " + whole(threshold) + " minutes";
    };
  }

  static String whole(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }
}
