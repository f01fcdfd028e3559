package dev.uptake.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthModelCodec;
import dev.uptake.core.health.Metrics;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.server.query.HealthRoutes;
import dev.uptake.store.HealthModels;
import dev.uptake.store.Members;
import dev.uptake.store.SettingsStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Health settings ({@code /settings/health}): the health model as a form of profiles, groups and measures,
 * each input named by its path in the model ({@code profiles[0].groups[1].measures[0].metric}), so
 * a refusal of {@code PUT /api/v1/health}'s checks shows next to the input it names. "Preview"
 * shows how many accounts each band would have held on each of the last 30 days, without saving;
 * "Save" (admins) saves a new version.
 */
public final class HealthPage {

  static final int PREVIEW_DAYS = 30;
  private static final Pattern PATH =
      Pattern.compile("profiles\\[(\\d+)](?:\\.groups\\[(\\d+)](?:\\.measures\\[(\\d+)])?)?(.*)");

  public record MeasureRow(String metric, String zeroAt, String fullAt, String weight) {
    static final MeasureRow EMPTY = new MeasureRow("", "", "", "");

    boolean blank() {
      return metric.isBlank() && zeroAt.isBlank() && fullAt.isBlank() && weight.isBlank();
    }
  }

  public record GroupRow(String name, String weight, List<MeasureRow> measures) {}

  public record ProfileRow(String name, String tiers, String stages, String seatsDimension, List<GroupRow> groups) {}

  /**
   * The form as shown: the model's values as typed, one empty row at the end of each list for a
   * new one, and the refusal with the form path it names.
   */
  public record Form(String red, String yellow, List<ProfileRow> profiles, String errorField, String errorMessage) {

    /** The refusal's message when it names {@code path} or one of its items, else "". */
    public String error(String path) {
      return errorField.equals(path) || errorField.startsWith(path + "[") ? errorMessage : "";
    }
  }

  /** The preview's bands on its last day, and the chart of every day. */
  public record Preview(String from, String to, int red, int yellow, int green, int none, String chart) {}

  private final Pages pages;
  private final HealthRoutes health;
  private final HealthModels models;
  private final SettingsStore settings;
  private final ObjectMapper json;
  private final Clock clock;

  public HealthPage(
      Pages pages, HealthRoutes health, HealthModels models, SettingsStore settings, ObjectMapper json, Clock clock) {
    this.pages = pages;
    this.health = health;
    this.models = models;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/settings/health", this::page);
    routes.post("/settings/health", this::submit);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isPresent()) {
      HealthModels.Version current = models.current(session.get().workspaceId());
      String notice = ctx.queryParam("saved") != null ? "Saved as version " + current.version()
          + ". Scores follow it from now on; history under earlier versions stays readable." : "";
      show(ctx, 200, session.get(), form(HealthModelCodec.write(current.model()), "", ""), null, notice);
    }
  }

  private void submit(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    boolean save = "save".equals(ctx.formParam("action"));
    if (save && !pages.admin(ctx, session.get())) {
      return;
    }
    Map<String, String> paths = new LinkedHashMap<>();
    ObjectNode body = body(ctx, paths);
    long workspaceId = session.get().workspaceId();
    HealthModel model;
    try {
      model = health.checked(workspaceId, body);
    } catch (InvalidSettingsException e) {
      show(ctx, 400, session.get(), form(ctx, formPath(e.field(), paths), e.getMessage()), null, "");
      return;
    }
    if (save) {
      health.save(workspaceId, model);
      ctx.redirect("/settings/health?saved", HttpStatus.SEE_OTHER);
      return;
    }
    show(ctx, 200, session.get(), form(HealthModelCodec.write(model), "", ""), preview(workspaceId, model), "");
  }

  private Preview preview(long workspaceId, HealthModel model) {
    LocalDate to = LocalDate.ofInstant(clock.instant(), settings.get(workspaceId).timeZone());
    LocalDate from = to.minusDays(PREVIEW_DAYS - 1);
    Map<LocalDate, Map<String, Integer>> bands = health.bandsPerDay(workspaceId, model, from, to);
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("days", bands.keySet().stream().map(LocalDate::toString).toList());
    List<Map<String, Object>> series = new ArrayList<>();
    for (String band : List.of("red", "yellow", "green", "none")) {
      series.add(Map.of("name", band, "data", bands.values().stream().map(counts -> counts.get(band)).toList()));
    }
    chart.put("series", series);
    chart.put("colors", List.of("#d64545", "#e8b730", "#3c9d5d", "#c5cad3"));
    Map<String, Integer> last = bands.getOrDefault(to, Map.of());
    try {
      return new Preview(from.toString(), to.toString(), last.getOrDefault("red", 0), last.getOrDefault("yellow", 0),
          last.getOrDefault("green", 0), last.getOrDefault("none", 0), json.writeValueAsString(chart));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("chart data are plain maps and lists", e);
    }
  }

  private void show(Context ctx, int status, Members.WebSession session, Form form, Preview preview, String notice) {
    Map<String, Object> model = pages.frame(session);
    model.put("admin", session.role() == Members.Role.ADMIN);
    model.put("form", form);
    model.put("preview", preview);
    model.put("notice", notice);
    model.put("metrics", Metrics.PLAIN);
    List<String> seats = new ArrayList<>();
    for (Dimension dimension : settings.get(session.workspaceId()).dimensions()) {
      if (dimension.type() == DimensionType.NUMBER) {
        seats.add(dimension.name());
      }
    }
    model.put("numberDimensions", seats);
    pages.render(ctx, status, "health.jte", model);
  }

  /** The form of a model as {@link HealthModelCodec#write} writes it, with an empty row at the end of each list. */
  private static Form form(JsonNode model, String errorField, String errorMessage) {
    List<ProfileRow> profiles = new ArrayList<>();
    for (JsonNode profile : model.path("profiles")) {
      List<GroupRow> groups = new ArrayList<>();
      for (JsonNode group : profile.path("groups")) {
        List<MeasureRow> measures = new ArrayList<>();
        for (JsonNode measure : group.path("measures")) {
          measures.add(new MeasureRow(measure.path("metric").asText(), number(measure.path("zeroAt")),
              number(measure.path("fullAt")), number(measure.path("weight"))));
        }
        measures.add(MeasureRow.EMPTY);
        groups.add(new GroupRow(group.path("name").asText(), number(group.path("weight")), measures));
      }
      groups.add(new GroupRow("", "", List.of(MeasureRow.EMPTY)));
      profiles.add(new ProfileRow(profile.path("name").asText(), list(profile.path("when").path("tier")),
          list(profile.path("when").path("lifecycleStage")), profile.path("seatsDimension").asText(""), groups));
    }
    profiles.add(emptyProfile());
    return new Form(number(model.path("bands").path("red")), number(model.path("bands").path("yellow")), profiles,
        errorField, errorMessage);
  }

  /** The form as the request sent it, to show again with a refusal; an empty row at the end of each list. */
  private static Form form(Context ctx, String errorField, String errorMessage) {
    List<ProfileRow> profiles = new ArrayList<>();
    for (int p = 0; present(ctx, "profiles[" + p + "]."); p++) {
      String profile = "profiles[" + p + "]";
      List<GroupRow> groups = new ArrayList<>();
      for (int g = 0; present(ctx, profile + ".groups[" + g + "]."); g++) {
        String group = profile + ".groups[" + g + "]";
        List<MeasureRow> measures = new ArrayList<>();
        for (int m = 0; present(ctx, group + ".measures[" + m + "]."); m++) {
          measures.add(measure(ctx, group + ".measures[" + m + "]"));
        }
        groups.add(new GroupRow(param(ctx, group + ".name"), param(ctx, group + ".weight"), measures));
      }
      profiles.add(new ProfileRow(param(ctx, profile + ".name"), param(ctx, profile + ".when.tier"),
          param(ctx, profile + ".when.lifecycleStage"), param(ctx, profile + ".seatsDimension"), groups));
    }
    return new Form(param(ctx, "bands.red"), param(ctx, "bands.yellow"), profiles, errorField, errorMessage);
  }

  /**
   * The model the form describes, as {@code PUT /api/v1/health} takes it: empty rows left out, and
   * for each path in the model the form path it came from, so a refusal is shown where it was typed.
   */
  private static ObjectNode body(Context ctx, Map<String, String> paths) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode body = mapper.createObjectNode();
    ObjectNode bands = body.putObject("bands");
    put(bands, "red", param(ctx, "bands.red"));
    put(bands, "yellow", param(ctx, "bands.yellow"));
    ArrayNode profiles = body.putArray("profiles");
    for (int p = 0; present(ctx, "profiles[" + p + "]."); p++) {
      String profilePath = "profiles[" + p + "]";
      ObjectNode profile = mapper.createObjectNode();
      ArrayNode groups = mapper.createArrayNode();
      for (int g = 0; present(ctx, profilePath + ".groups[" + g + "]."); g++) {
        String groupPath = profilePath + ".groups[" + g + "]";
        ArrayNode measures = mapper.createArrayNode();
        for (int m = 0; present(ctx, groupPath + ".measures[" + m + "]."); m++) {
          String measurePath = groupPath + ".measures[" + m + "]";
          MeasureRow row = measure(ctx, measurePath);
          if (!row.blank()) {
            paths.put("profiles[" + profiles.size() + "].groups[" + groups.size() + "].measures[" + measures.size() + "]",
                measurePath);
            ObjectNode measure = measures.addObject().put("metric", row.metric().strip());
            put(measure, "zeroAt", row.zeroAt());
            put(measure, "fullAt", row.fullAt());
            put(measure, "weight", row.weight());
          }
        }
        String name = param(ctx, groupPath + ".name");
        if (!name.isBlank() || !measures.isEmpty()) {
          paths.put("profiles[" + profiles.size() + "].groups[" + groups.size() + "]", groupPath);
          ObjectNode group = groups.addObject().put("name", name.strip());
          put(group, "weight", param(ctx, groupPath + ".weight"));
          group.set("measures", measures);
        }
      }
      String name = param(ctx, profilePath + ".name");
      if (!name.isBlank() || !groups.isEmpty()) {
        paths.put("profiles[" + profiles.size() + "]", profilePath);
        profile.put("name", name.strip());
        ObjectNode when = profile.putObject("when");
        items(when, "tier", param(ctx, profilePath + ".when.tier"));
        items(when, "lifecycleStage", param(ctx, profilePath + ".when.lifecycleStage"));
        String seats = param(ctx, profilePath + ".seatsDimension");
        if (!seats.isBlank()) {
          profile.put("seatsDimension", seats.strip());
        }
        profile.set("groups", groups);
        profiles.add(profile);
      }
    }
    return body;
  }

  /** The form path of the model path a refusal names ({@code profiles[0].groups[1].weight}). */
  static String formPath(String field, Map<String, String> paths) {
    Matcher matcher = PATH.matcher(field);
    if (!matcher.matches()) {
      return field;
    }
    String element = "profiles[" + matcher.group(1) + "]"
        + (matcher.group(2) == null ? "" : ".groups[" + matcher.group(2) + "]")
        + (matcher.group(3) == null ? "" : ".measures[" + matcher.group(3) + "]");
    return paths.getOrDefault(element, element) + matcher.group(4);
  }

  private static MeasureRow measure(Context ctx, String path) {
    return new MeasureRow(param(ctx, path + ".metric"), param(ctx, path + ".zeroAt"), param(ctx, path + ".fullAt"),
        param(ctx, path + ".weight"));
  }

  private static ProfileRow emptyProfile() {
    return new ProfileRow("", "", "", "", List.of(new GroupRow("", "", List.of(MeasureRow.EMPTY))));
  }

  private static boolean present(Context ctx, String prefix) {
    return ctx.formParamMap().keySet().stream().anyMatch(name -> name.startsWith(prefix));
  }

  private static String param(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }

  /** A number as a number; anything else as typed, for the codec to refuse with its path; nothing when blank. */
  private static void put(ObjectNode node, String field, String text) {
    if (text.isBlank()) {
      return;
    }
    try {
      node.put(field, Double.parseDouble(text.strip()));
    } catch (NumberFormatException e) {
      node.put(field, text.strip());
    }
  }

  private static void items(ObjectNode when, String field, String text) {
    List<String> items = List.of(text.split(",")).stream().map(String::strip).filter(item -> !item.isEmpty()).toList();
    if (!items.isEmpty()) {
      items.forEach(when.putArray(field)::add);
    }
  }

  private static String list(JsonNode items) {
    List<String> texts = new ArrayList<>();
    items.forEach(item -> texts.add(item.asText()));
    return String.join(", ", texts);
  }

  private static String number(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    double value = node.asDouble();
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
