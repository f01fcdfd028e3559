package dev.uptake.core.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings as JSON, both ways: {@code tiers}, {@code lifecycleStages}, {@code dimensions} ({@code
 * name}, {@code type}, {@code source}, {@code trait}), {@code sessionTimeoutMinutes}, {@code
 * idleThresholdMinutes}, {@code timeZone}. Reading validates everything and names the first bad
 * field; a field left out takes its default.
 */
public final class SettingsCodec {

  static final int MAX_NAME_CHARS = 100;
  static final int MAX_SESSION_TIMEOUT_MINUTES = 24 * 60;
  private static final Set<String> FIELDS =
      Set.of("tiers", "lifecycleStages", "dimensions", "sessionTimeoutMinutes", "idleThresholdMinutes", "timeZone");

  private SettingsCodec() {}

  /** @throws InvalidSettingsException naming the field and what it must be */
  public static WorkspaceSettings read(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new InvalidSettingsException("body", "settings must be a JSON object");
    }
    json.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        throw new InvalidSettingsException(name, "unknown setting '" + name + "'; the settings are " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    });
    WorkspaceSettings defaults = WorkspaceSettings.DEFAULTS;
    int timeout = minutes(json, "sessionTimeoutMinutes", defaults.sessionTimeoutMinutes(), MAX_SESSION_TIMEOUT_MINUTES);
    int idle = minutes(json, "idleThresholdMinutes", defaults.idleThresholdMinutes(), timeout);
    return new WorkspaceSettings(
        names(json, "tiers"), names(json, "lifecycleStages"), dimensions(json), timeout, idle, zone(json));
  }

  public static ObjectNode write(WorkspaceSettings settings) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    settings.tiers().forEach(json.putArray("tiers")::add);
    settings.lifecycleStages().forEach(json.putArray("lifecycleStages")::add);
    var dimensions = json.putArray("dimensions");
    for (Dimension dimension : settings.dimensions()) {
      dimensions.addObject()
          .put("name", dimension.name())
          .put("type", dimension.type().id())
          .put("source", dimension.source().id())
          .put("trait", dimension.trait());
    }
    json.put("sessionTimeoutMinutes", settings.sessionTimeoutMinutes());
    json.put("idleThresholdMinutes", settings.idleThresholdMinutes());
    json.put("timeZone", settings.timeZone().getId());
    return json;
  }

  private static List<String> names(JsonNode json, String field) {
    JsonNode array = json.get(field);
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new InvalidSettingsException(field, field + " must be an array of names");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String name = text(array.get(i), field + "[" + i + "]");
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new InvalidSettingsException(field + "[" + i + "]", "'" + name + "' is listed twice in " + field);
      }
      names.add(name);
    }
    return names;
  }

  private static List<Dimension> dimensions(JsonNode json) {
    JsonNode array = json.get("dimensions");
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new InvalidSettingsException("dimensions", "dimensions must be an array of {name, type, source, trait}");
    }
    List<Dimension> dimensions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "dimensions[" + i + "]";
      JsonNode item = array.get(i);
      if (!item.isObject()) {
        throw new InvalidSettingsException(at, at + " must be an object {name, type, source, trait}");
      }
      String name = text(item.get("name"), at + ".name");
      if (!seen.add(name)) {
        throw new InvalidSettingsException(at + ".name", "dimension '" + name + "' is defined twice");
      }
      String type = text(item.get("type"), at + ".type");
      DimensionType dimensionType = DimensionType.fromId(type).orElseThrow(
          () -> new InvalidSettingsException(at + ".type", at + ".type must be string, number or date; was '" + type + "'"));
      String source = text(item.get("source"), at + ".source");
      Dimension.Source dimensionSource = switch (source) {
        case "group" -> Dimension.Source.GROUP;
        case "identify" -> Dimension.Source.IDENTIFY;
        default -> throw new InvalidSettingsException(at + ".source", at + ".source must be group or identify; was '" + source + "'");
      };
      String trait = text(item.get("trait"), at + ".trait");
      if (trait.startsWith(".") || trait.endsWith(".") || trait.contains("..")) {
        throw new InvalidSettingsException(at + ".trait", at + ".trait must be a trait name or dotted path such as plan.seats");
      }
      dimensions.add(new Dimension(name, dimensionType, dimensionSource, trait));
    }
    return dimensions;
  }

  private static int minutes(JsonNode json, String field, int fallback, int max) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      if (fallback > max) {
        throw new InvalidSettingsException(field, field + " must be at most " + max + "; its default " + fallback + " is more");
      }
      return fallback;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1 || node.intValue() > max) {
      throw new InvalidSettingsException(field, field + " must be a whole number from 1 to " + max + "; was " + node);
    }
    return node.intValue();
  }

  private static ZoneId zone(JsonNode json) {
    JsonNode node = json.get("timeZone");
    if (node == null || node.isNull()) {
      return WorkspaceSettings.DEFAULTS.timeZone();
    }
    String id = text(node, "timeZone");
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new InvalidSettingsException("timeZone", "timeZone must be an IANA time zone such as Europe/Berlin or UTC; was '" + id + "'");
    }
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidSettingsException(field, field + " must be a non-empty string");
    }
    String text = node.textValue().strip();
    if (text.length() > MAX_NAME_CHARS) {
      throw new InvalidSettingsException(field, field + " must be at most " + MAX_NAME_CHARS + " characters");
    }
    return text;
  }
}
