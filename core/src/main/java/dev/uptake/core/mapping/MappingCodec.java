package dev.uptake.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A mapping as JSON, both ways: {@code module}, {@code feature}, {@code account}, {@code
 * sessionKey} (lists of dot paths), {@code pages} ({@code feature}, {@code module}), {@code
 * exclude} (event names), {@code rename} (feature → name). Reading checks every entry and names
 * the first bad one ({@code module[1]}); a target left out takes the default's paths.
 */
public final class MappingCodec {

  static final int MAX_PATHS = 10;
  static final int MAX_NAMES = 1000;
  static final int MAX_NAME_CHARS = 200;
  /** Where a path may start: the fields of a Segment call that hold what a mapping reads. */
  static final Set<String> ROOTS = new TreeSet<>(List.of(
      "event", "name", "category", "userId", "anonymousId", "groupId", "properties", "context", "traits"));
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_$@-]([A-Za-z0-9_$@ -]{0,98}[A-Za-z0-9_$@-])?");
  private static final Set<String> FIELDS = Set.of("module", "feature", "account", "sessionKey", "pages", "exclude", "rename");
  private static final Set<String> PAGE_FIELDS = Set.of("feature", "module");

  private MappingCodec() {}

  /** @throws InvalidMappingException naming the entry and what it must be */
  public static Mapping read(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new InvalidMappingException("body", "the mapping must be a JSON object");
    }
    known(json, FIELDS, "");
    Mapping defaults = Mapping.DEFAULT;
    JsonNode pages = json.path("pages");
    if (!pages.isMissingNode() && !pages.isNull()) {
      if (!pages.isObject()) {
        throw new InvalidMappingException("pages", "pages must be an object: {\"feature\": [paths], \"module\": [paths]}");
      }
      known(pages, PAGE_FIELDS, "pages.");
    }
    return new Mapping(
        paths(json, "module", "module", defaults.module()),
        paths(json, "feature", "feature", defaults.feature()),
        paths(json, "account", "account", defaults.account()),
        paths(json, "sessionKey", "sessionKey", defaults.sessionKey()),
        paths(pages, "feature", "pages.feature", defaults.pagesFeature()),
        paths(pages, "module", "pages.module", defaults.pagesModule()),
        exclude(json.get("exclude")),
        rename(json.get("rename")));
  }

  public static ObjectNode write(Mapping mapping) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    mapping.module().forEach(json.putArray("module")::add);
    mapping.feature().forEach(json.putArray("feature")::add);
    mapping.account().forEach(json.putArray("account")::add);
    mapping.sessionKey().forEach(json.putArray("sessionKey")::add);
    ObjectNode pages = json.putObject("pages");
    mapping.pagesFeature().forEach(pages.putArray("feature")::add);
    mapping.pagesModule().forEach(pages.putArray("module")::add);
    ArrayNode exclude = json.putArray("exclude");
    new TreeSet<>(mapping.exclude()).forEach(exclude::add);
    ObjectNode rename = json.putObject("rename");
    new TreeMap<>(mapping.rename()).forEach(rename::put);
    return json;
  }

  private static void known(JsonNode json, Set<String> fields, String prefix) {
    json.fieldNames().forEachRemaining(name -> {
      if (!fields.contains(name)) {
        throw new InvalidMappingException(prefix + name, "unknown entry '" + prefix + name + "'; a mapping has "
            + String.join(", ", new TreeSet<>(fields)));
      }
    });
  }

  private static List<String> paths(JsonNode holder, String name, String field, List<String> fallback) {
    JsonNode array = holder.get(name);
    if (array == null || array.isNull()) {
      return fallback;
    }
    if (!array.isArray()) {
      throw new InvalidMappingException(field, field + " must be a list of dot paths into the event, such as"
          + " [\"properties.module\"]");
    }
    if (array.size() > MAX_PATHS) {
      throw new InvalidMappingException(field, field + " lists " + array.size() + " paths; at most " + MAX_PATHS);
    }
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode entry = array.get(i);
      if (!entry.isTextual()) {
        throw new InvalidMappingException(at, at + " must be a dot path such as \"properties.module\"");
      }
      paths.add(path(entry.textValue(), at));
    }
    if (paths.size() != new LinkedHashSet<>(paths).size()) {
      throw new InvalidMappingException(field, field + " lists a path twice");
    }
    return paths;
  }

  /** A path: a field of the call ({@link #ROOTS}), then property names, separated by dots. */
  static String path(String path, String at) {
    String[] parts = path.split("\\.", -1);
    if (path.isBlank() || parts.length > 8) {
      throw new InvalidMappingException(at, at + " '" + path + "' must be a dot path of 1 to 8 names, such as"
          + " \"properties.module\"");
    }
    if (!ROOTS.contains(parts[0])) {
      throw new InvalidMappingException(at, at + " '" + path + "' must start with one of the call's fields: "
          + String.join(", ", ROOTS));
    }
    for (String part : parts) {
      if (!SEGMENT.matcher(part).matches()) {
        throw new InvalidMappingException(at, at + " '" + path + "' has " + (part.isEmpty() ? "an empty name" : "the name '"
            + part + "'") + "; names are letters, digits, _ $ @ - and inner spaces, up to 100 characters");
      }
    }
    return path;
  }

  private static Set<String> exclude(JsonNode array) {
    if (array == null || array.isNull()) {
      return Set.of();
    }
    if (!array.isArray()) {
      throw new InvalidMappingException("exclude", "exclude must be a list of event names, such as [\"Heartbeat\"]");
    }
    if (array.size() > MAX_NAMES) {
      throw new InvalidMappingException("exclude", "exclude lists " + array.size() + " names; at most " + MAX_NAMES);
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      names.add(name(array.get(i), "exclude[" + i + "]"));
    }
    return names;
  }

  private static Map<String, String> rename(JsonNode object) {
    if (object == null || object.isNull()) {
      return Map.of();
    }
    if (!object.isObject()) {
      throw new InvalidMappingException("rename", "rename must be an object of feature names: {\"Dash Viewed\": \"Viewed Dashboard\"}");
    }
    if (object.size() > MAX_NAMES) {
      throw new InvalidMappingException("rename", "rename has " + object.size() + " names; at most " + MAX_NAMES);
    }
    Map<String, String> rename = new LinkedHashMap<>();
    object.properties().forEach(entry -> {
      String at = "rename." + entry.getKey();
      name(JsonNodeFactory.instance.textNode(entry.getKey()), at);
      rename.put(entry.getKey(), name(entry.getValue(), at));
    });
    return rename;
  }

  private static String name(JsonNode node, String at) {
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidMappingException(at, at + " must be a non-empty event or feature name");
    }
    String name = node.textValue();
    if (name.length() > MAX_NAME_CHARS || name.indexOf('\u0000') >= 0) {
      throw new InvalidMappingException(at, at + " must be at most " + MAX_NAME_CHARS + " characters, without NUL");
    }
    return name;
  }
}
