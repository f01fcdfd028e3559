package dev.uptake.server.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations as people write them on a command line: {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}. */
final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})([smhd])");

  private Durations() {}

  static Duration parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration; write a number and a unit: 90s, 30m, 12h or 7d");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
