package dev.uptake.core.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.settings.WorkspaceSettings;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How a trait value is checked and typed on the way in. */
enum TraitType {
  TEXT,
  /** Text of at most {@link #LONG_TEXT_CHARS} characters; longer is cut, with a warning. */
  LONG_TEXT,
  NUMBER,
  BOOLEAN,
  /** An ISO-8601 date or date-time; kept as the date or as the UTC instant. */
  DATE,
  /** A tier defined in the workspace settings. */
  TIER,
  /** A lifecycle stage defined in the workspace settings. */
  LIFECYCLE_STAGE;

  static final int LONG_TEXT_CHARS = 512;

  /**
   * A typed value, and a warning when the value was changed ({@code value} kept) or refused
   * ({@code value} null: the field is dropped).
   */
  record Typed(JsonNode value, String warning) {}

  Typed type(JsonNode raw, String name, WorkspaceSettings settings) {
    return switch (this) {
      case TEXT -> text(raw, name).map(ok -> new Typed(ok, null)).orElseGet(() -> refused(name + " must be a string; was " + kind(raw)));
      case LONG_TEXT -> longText(raw, name);
      case NUMBER -> number(raw).map(ok -> new Typed(ok, null))
          .orElseGet(() -> refused(name + " must be a finite number within ±1.8e308; was " + shown(raw)));
      case BOOLEAN -> bool(raw).map(ok -> new Typed(ok, null)).orElseGet(() -> refused(name + " must be true or false; was " + shown(raw)));
      case DATE -> date(raw).map(ok -> new Typed(ok, null)).orElseGet(() -> refused(name + " must be an ISO-8601 date or date-time; was " + shown(raw)));
      case TIER -> defined(raw, name, settings.tier(raw.asText()), "tier", "tiers");
      case LIFECYCLE_STAGE -> defined(raw, name, settings.lifecycleStage(raw.asText()), "lifecycle stage", "lifecycleStages");
    };
  }

  /** A value as a dimension of the given type, or empty when it cannot be one. */
  static Optional<JsonNode> dimension(dev.uptake.core.settings.DimensionType type, JsonNode raw) {
    return switch (type) {
      case STRING -> raw.isValueNode() && !raw.isNull() ? Optional.of(TextNode.valueOf(raw.asText())) : Optional.empty();
      case NUMBER -> number(raw);
      case DATE -> date(raw);
    };
  }

  private static Optional<JsonNode> text(JsonNode raw, String name) {
    if (raw.isTextual()) {
      return Optional.of(raw);
    }
    return raw.isNumber() || raw.isBoolean() ? Optional.of(TextNode.valueOf(raw.asText())) : Optional.empty();
  }

  private static Typed longText(JsonNode raw, String name) {
    Optional<JsonNode> text = text(raw, name);
    if (text.isEmpty()) {
      return refused(name + " must be a string; was " + kind(raw));
    }
    String value = text.get().asText();
    if (value.length() <= LONG_TEXT_CHARS) {
      return new Typed(text.get(), null);
    }
    return new Typed(
        TextNode.valueOf(value.substring(0, LONG_TEXT_CHARS)),
        name + " is " + value.length() + " characters; it was cut to " + LONG_TEXT_CHARS);
  }

  /** The largest magnitude a number may have: what a double holds, so every reader can hold it too. */
  private static final BigDecimal LARGEST = new BigDecimal(Double.MAX_VALUE);

  /** A finite number within a double's range (1e999999999 and NaN are not numbers here), as a decimal. */
  static Optional<JsonNode> number(JsonNode raw) {
    BigDecimal value;
    try {
      if (raw.isNumber()) {
        value = raw.decimalValue();
      } else if (raw.isTextual()) {
        value = new BigDecimal(raw.textValue().strip());
      } else {
        return Optional.empty();
      }
    } catch (NumberFormatException notFinite) {
      return Optional.empty();
    }
    if (value.abs().compareTo(LARGEST) > 0) {
      return Optional.empty();
    }
    return Optional.of(DecimalNode.valueOf(value.stripTrailingZeros()));
  }

  private static Optional<JsonNode> bool(JsonNode raw) {
    if (raw.isBoolean()) {
      return Optional.of(raw);
    }
    if (raw.isIntegralNumber() && (raw.longValue() == 0 || raw.longValue() == 1)) {
      return Optional.of(BooleanNode.valueOf(raw.longValue() == 1));
    }
    if (raw.isTextual()) {
      String text = raw.textValue().strip();
      if (text.equalsIgnoreCase("true") || text.equals("1")) {
        return Optional.of(BooleanNode.TRUE);
      }
      if (text.equalsIgnoreCase("false") || text.equals("0")) {
        return Optional.of(BooleanNode.FALSE);
      }
    }
    return Optional.empty();
  }

  static Optional<JsonNode> date(JsonNode raw) {
    if (!raw.isTextual()) {
      return Optional.empty();
    }
    String text = raw.textValue().strip();
    try {
      return Optional.of(TextNode.valueOf(LocalDate.parse(text).toString()));
    } catch (DateTimeParseException e) {
      // not a plain date; try a date-time below
    }
    try {
      return Optional.of(TextNode.valueOf(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toString()));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Typed defined(JsonNode raw, String name, Optional<String> match, String what, String setting) {
    if (!raw.isTextual()) {
      return refused(name + " must be a string naming a " + what + "; was " + kind(raw));
    }
    return match
        .map(defined -> new Typed(TextNode.valueOf(defined), null))
        .orElseGet(() -> refused(name + " '" + raw.textValue() + "' is not a " + what + " defined in the workspace settings (" + setting + ")"));
  }

  private static Typed refused(String reason) {
    return new Typed(null, reason + "; the field was ignored");
  }

  private static String kind(JsonNode raw) {
    return raw.isObject() ? "an object" : raw.isArray() ? "an array" : raw.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String shown(JsonNode raw) {
    return raw.isValueNode() ? raw.toString() : kind(raw);
  }
}
