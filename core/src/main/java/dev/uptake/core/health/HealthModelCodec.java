package dev.uptake.core.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link HealthModel} to and from its JSON, validated field by field: the first fault is
 * refused with its path ({@code profiles[0].groups[1].measures[0].metric}) and what is expected.
 */
public final class HealthModelCodec {

  static final int MAX_PROFILES = 50;
  static final int MAX_NAME_CHARS = 200;

  private HealthModelCodec() {}

  /** @throws InvalidSettingsException naming the path at fault */
  public static HealthModel read(JsonNode json) {
    object(json, "body", "bands", "profiles");
    HealthModel.Bands bands = bands(json.get("bands"));
    JsonNode profiles = json.get("profiles");
    if (profiles == null || profiles.isNull()) {
      return new HealthModel(bands, List.of());
    }
    if (!profiles.isArray() || profiles.size() > MAX_PROFILES) {
      throw new InvalidSettingsException("profiles", "profiles must be an array of at most " + MAX_PROFILES + " profiles");
    }
    List<HealthModel.Profile> read = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < profiles.size(); i++) {
      HealthModel.Profile profile = profile(profiles.get(i), "profiles[" + i + "]");
      if (!names.add(profile.name())) {
        throw new InvalidSettingsException("profiles[" + i + "].name", "profile '" + profile.name() + "' is defined twice");
      }
      read.add(profile);
    }
    return new HealthModel(bands, read);
  }

  private static HealthModel.Bands bands(JsonNode json) {
    if (json == null || json.isNull()) {
      return HealthModel.Bands.DEFAULT;
    }
    object(json, "bands", "red", "yellow");
    double red = number(json.get("red"), "bands.red", HealthModel.Bands.DEFAULT.red());
    double yellow = number(json.get("yellow"), "bands.yellow", HealthModel.Bands.DEFAULT.yellow());
    if (red < 0 || yellow > 100 || red > yellow) {
      throw new InvalidSettingsException("bands", "bands must satisfy 0 ≤ red ≤ yellow ≤ 100; were red " + red + ", yellow " + yellow);
    }
    return new HealthModel.Bands(red, yellow);
  }

  private static HealthModel.Profile profile(JsonNode json, String at) {
    object(json, at, "name", "when", "seatsDimension", "groups");
    String name = name(json.get("name"), at + ".name");
    HealthModel.When when = when(json.get("when"), at + ".when");
    JsonNode seats = json.get("seatsDimension");
    String seatsDimension = seats == null || seats.isNull() ? null : name(seats, at + ".seatsDimension");
    JsonNode groups = json.get("groups");
    if (groups == null || !groups.isArray() || groups.isEmpty()) {
      throw new InvalidSettingsException(at + ".groups", at + ".groups must be a non-empty array of {name, weight, measures}");
    }
    List<HealthModel.Group> read = new ArrayList<>();
    for (int j = 0; j < groups.size(); j++) {
      read.add(group(groups.get(j), at + ".groups[" + j + "]", seatsDimension != null));
    }
    return new HealthModel.Profile(name, when, seatsDimension, read);
  }

  private static HealthModel.When when(JsonNode json, String at) {
    if (json == null || json.isNull()) {
      return HealthModel.When.ANY;
    }
    object(json, at, "tier", "lifecycleStage");
    return new HealthModel.When(names(json.get("tier"), at + ".tier"), names(json.get("lifecycleStage"), at + ".lifecycleStage"));
  }

  private static HealthModel.Group group(JsonNode json, String at, boolean hasSeats) {
    object(json, at, "name", "weight", "measures");
    String name = name(json.get("name"), at + ".name");
    double weight = weight(json.get("weight"), at + ".weight");
    JsonNode measures = json.get("measures");
    if (measures == null || !measures.isArray() || measures.isEmpty()) {
      throw new InvalidSettingsException(at + ".measures",
          at + " has no measures: a group needs at least one {metric, zeroAt, fullAt}");
    }
    List<HealthModel.Measure> read = new ArrayList<>();
    for (int k = 0; k < measures.size(); k++) {
      read.add(measure(measures.get(k), at + ".measures[" + k + "]", hasSeats));
    }
    return new HealthModel.Group(name, weight, read);
  }

  private static HealthModel.Measure measure(JsonNode json, String at, boolean hasSeats) {
    object(json, at, "metric", "zeroAt", "fullAt", "weight");
    JsonNode metricNode = json.get("metric");
    String metric = metricNode == null || !metricNode.isTextual() ? "" : metricNode.asText();
    if (!Metrics.known(metric)) {
      throw new InvalidSettingsException(at + ".metric", "'" + metric + "' is no metric; metrics are " + Metrics.described());
    }
    if (metric.equals(Metrics.SEAT_UTILIZATION) && !hasSeats) {
      throw new InvalidSettingsException(at + ".metric", "seatUtilization needs the profile's seatsDimension: the number"
          + " dimension that holds an account's seats");
    }
    double zeroAt = number(json.get("zeroAt"), at + ".zeroAt", Double.NaN);
    double fullAt = number(json.get("fullAt"), at + ".fullAt", Double.NaN);
    if (zeroAt == fullAt) {
      throw new InvalidSettingsException(at + ".fullAt", at + ".zeroAt and fullAt must differ (both are " + zeroAt + ")");
    }
    return new HealthModel.Measure(metric, zeroAt, fullAt, weight(json.get("weight"), at + ".weight"));
  }

  /** Refuses anything but an object, and fields it does not know (a misspelt field would silently do nothing). */
  private static void object(JsonNode json, String at, String... fields) {
    if (json == null || !json.isObject()) {
      throw new InvalidSettingsException(at, at + " must be a JSON object");
    }
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!List.of(fields).contains(name)) {
        String path = at.equals("body") ? name : at + "." + name;
        throw new InvalidSettingsException(path, "unknown field '" + name + "'; the fields are " + String.join(", ", fields));
      }
    }
  }

  private static double number(JsonNode json, String at, double fallback) {
    if ((json == null || json.isNull()) && !Double.isNaN(fallback)) {
      return fallback;
    }
    if (json == null || !json.isNumber() || !Double.isFinite(json.asDouble())) {
      throw new InvalidSettingsException(at, at + " must be a number");
    }
    return json.asDouble();
  }

  private static double weight(JsonNode json, String at) {
    double weight = number(json, at, 1);
    if (!(weight > 0)) {
      throw new InvalidSettingsException(at, at + " must be more than 0 (leave the part out instead); was " + weight);
    }
    return weight;
  }

  private static String name(JsonNode json, String at) {
    if (json == null || !json.isTextual() || json.asText().isBlank()) {
      throw new InvalidSettingsException(at, at + " must be a non-empty string");
    }
    if (json.asText().length() > MAX_NAME_CHARS) {
      throw new InvalidSettingsException(at, at + " must be at most " + MAX_NAME_CHARS + " characters");
    }
    return json.asText().strip();
  }

  private static List<String> names(JsonNode json, String at) {
    if (json == null || json.isNull()) {
      return List.of();
    }
    if (!json.isArray()) {
      throw new InvalidSettingsException(at, at + " must be an array of names");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      names.add(name(json.get(i), at + "[" + i + "]"));
    }
    return names;
  }

  /**
   * {@code model} with its tiers and lifecycle stages spelled as {@code settings} defines them.
   *
   * @throws InvalidSettingsException naming the path of a tier or stage the workspace does not define, a seats
   *     dimension or a {@code dimension.} metric that is not one of its number dimensions
   */
  public static HealthModel checked(HealthModel model, WorkspaceSettings settings) {
    List<HealthModel.Profile> profiles = new ArrayList<>();
    for (int i = 0; i < model.profiles().size(); i++) {
      HealthModel.Profile profile = model.profiles().get(i);
      String at = "profiles[" + i + "]";
      List<String> tiers = defined(profile.when().tiers(), at + ".when.tier", "tier", settings::tier);
      List<String> stages = defined(profile.when().lifecycleStages(), at + ".when.lifecycleStage", "lifecycle stage",
          settings::lifecycleStage);
      if (profile.seatsDimension() != null && !isNumberDimension(settings, profile.seatsDimension())) {
        throw new InvalidSettingsException(at + ".seatsDimension", "'" + profile.seatsDimension()
            + "' is not a number dimension of this workspace (its settings define the dimensions)");
      }
      for (int j = 0; j < profile.groups().size(); j++) {
        List<HealthModel.Measure> measures = profile.groups().get(j).measures();
        for (int k = 0; k < measures.size(); k++) {
          String metric = measures.get(k).metric();
          if (metric.startsWith("dimension.") && !isNumberDimension(settings, metric.substring("dimension.".length()))) {
            throw new InvalidSettingsException(at + ".groups[" + j + "].measures[" + k + "].metric", "'" + metric
                + "' names no number dimension of this workspace (its settings define the dimensions)");
          }
        }
      }
      profiles.add(new HealthModel.Profile(profile.name(), new HealthModel.When(tiers, stages), profile.seatsDimension(),
          profile.groups()));
    }
    return new HealthModel(model.bands(), profiles);
  }

  private static List<String> defined(List<String> names, String at, String what,
      Function<String, Optional<String>> lookUp) {
    List<String> canonical = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Optional<String> defined = lookUp.apply(names.get(i));
      if (defined.isEmpty()) {
        throw new InvalidSettingsException(at + "[" + i + "]",
            "'" + names.get(i) + "' is not a " + what + " of this workspace (its settings define them)");
      }
      canonical.add(defined.get());
    }
    return canonical;
  }

  private static boolean isNumberDimension(WorkspaceSettings settings, String name) {
    return settings.dimensions().stream().anyMatch(d -> d.name().equals(name) && d.type() == DimensionType.NUMBER);
  }

  public static ObjectNode write(HealthModel model) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.putObject("bands").put("red", model.bands().red()).put("yellow", model.bands().yellow());
    ArrayNode profiles = json.putArray("profiles");
    for (HealthModel.Profile profile : model.profiles()) {
      ObjectNode p = profiles.addObject().put("name", profile.name());
      ObjectNode when = p.putObject("when");
      profile.when().tiers().forEach(when.withArray("tier")::add);
      profile.when().lifecycleStages().forEach(when.withArray("lifecycleStage")::add);
      if (profile.seatsDimension() != null) {
        p.put("seatsDimension", profile.seatsDimension());
      }
      ArrayNode groups = p.putArray("groups");
      for (HealthModel.Group group : profile.groups()) {
        ObjectNode g = groups.addObject().put("name", group.name()).put("weight", group.weight());
        ArrayNode measures = g.putArray("measures");
        group.measures().forEach(m -> measures.addObject().put("metric", m.metric()).put("zeroAt", m.zeroAt())
            .put("fullAt", m.fullAt()).put("weight", m.weight()));
      }
    }
    return json;
  }
}
