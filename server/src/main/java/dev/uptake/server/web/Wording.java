package dev.uptake.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * How the pages say things to a customer-success manager: field names as words, times relative
 * to now with the exact time (in the workspace's zone) on hover, dates in that zone, numbers and
 * durations for reading, and a trend that says "new" when there was too little before to compare.
 */
public final class Wording {

  /** A moment as a page shows it: {@code relative} in the text, {@code exact} on hover. */
  public record When(String relative, String exact) {
    public static final When NEVER = new When("never", "");
  }

  private static final Map<String, String> LABELS = Map.of(
      "createdAt", "Created", "isChurned", "Churned", "id", "ID", "mrr", "MRR", "arr", "ARR", "nps", "NPS",
      "dauMau", "DAU/MAU", "joinDate", "Joined");
  private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm z", Locale.ENGLISH);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

  private Wording() {}

  /** {@code lifecycleStage} → "Lifecycle stage", {@code billing_city} → "Billing city", a few by name ("Created"). */
  public static String label(String field) {
    String known = LABELS.get(field);
    if (known != null) {
      return known;
    }
    String words = field.replace('_', ' ').replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
    return words.isEmpty() ? field : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /** A health metric in words: {@code daysSinceLastSeen} → "Days since last seen", {@code featureUsers30d.Export} → "Users of Export (30 days)". */
  public static String metric(String metric) {
    return switch (metric) {
      case "activeUsers7d" -> "Active users (7 days)";
      case "activeUsers30d" -> "Active users (30 days)";
      case "sessions30d" -> "Sessions (30 days)";
      case "activeSeconds30d" -> "Active time (30 days)";
      case "daysActive30d" -> "Days active (of 30)";
      case "dauMau" -> "DAU/MAU";
      case "daysSinceLastSeen" -> "Days since last seen";
      case "activeSecondsChange30d" -> "Change in active time";
      case "seatUtilization" -> "Seat utilization";
      default -> metric.startsWith("moduleActiveSeconds30d.") ? "Time in " + after(metric) + " (30 days)"
          : metric.startsWith("featureUsers30d.") ? "Users of " + after(metric) + " (30 days)"
          : metric.startsWith("dimension.") ? label(after(metric)) : metric;
    };
  }

  private static String after(String metric) {
    return metric.substring(metric.indexOf('.') + 1);
  }

  /** "just now", "12 min ago", "3 h ago", "yesterday", "5 days ago", then the date; the exact time in {@code zone}. */
  public static When when(Instant at, Instant now, ZoneId zone) {
    if (at == null) {
      return When.NEVER;
    }
    Duration ago = Duration.between(at, now);
    String relative;
    if (ago.isNegative()) {
      relative = "in " + ago.negated().toHours() + " h";
    } else if (ago.toMinutes() < 1) {
      relative = "just now";
    } else if (ago.toHours() < 1) {
      relative = ago.toMinutes() + " min ago";
    } else if (ago.toDays() < 1) {
      relative = ago.toHours() + " h ago";
    } else if (ago.toDays() < 2) {
      relative = "yesterday";
    } else if (ago.toDays() < 30) {
      relative = ago.toDays() + " days ago";
    } else {
      relative = DAY.format(at.atZone(zone));
    }
    return new When(relative, EXACT.format(at.atZone(zone)));
  }

  /** "30 Nov 2026, 16:20 CET". */
  public static String exact(Instant at, ZoneId zone) {
    return at == null ? "" : EXACT.format(at.atZone(zone));
  }

  public static String date(Instant at, ZoneId zone) {
    return at == null ? "" : DAY.format(at.atZone(zone));
  }

  /** "45 s", "12 min", "3 h 05 min". */
  public static String duration(double seconds) {
    long total = Math.round(seconds);
    if (total < 60) {
      return total + " s";
    }
    if (total < 3600) {
      return total / 60 + " min";
    }
    return total / 3600 + " h " + String.format(Locale.ROOT, "%02d", total % 3600 / 60) + " min";
  }

  /** "12,345". */
  public static String number(long value) {
    return String.format(Locale.ENGLISH, "%,d", value);
  }

  /**
   * The active-time trend: "+40%", "−25%"; "new" when the 30 days before had too little to compare
   * against (the API's trend is null then) and there is activity now; "—" without either.
   */
  public static String trend(Double trend, long activeMillisNow) {
    if (trend == null) {
      return activeMillisNow > 0 ? "new" : "—";
    }
    long percent = Math.round((trend - 1) * 100);
    return percent == 0 ? "±0%" : (percent > 0 ? "+" : "−") + Math.abs(percent) + "%";
  }

  /** A field's value for reading: yes/no, dates and times in the zone, numbers with separators. */
  public static String value(JsonNode value, ZoneId zone) {
    if (value.isBoolean()) {
      return value.asBoolean() ? "Yes" : "No";
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return number(value.asLong());
    }
    if (value.isNumber()) {
      return String.format(Locale.ENGLISH, "%,.2f", value.asDouble()).replaceAll("\\.00$", "");
    }
    String text = value.isValueNode() ? value.asText() : value.toString();
    try {
      return EXACT.format(OffsetDateTime.parse(text).atZoneSameInstant(zone));
    } catch (DateTimeParseException notATime) {
      return text;
    }
  }
}
