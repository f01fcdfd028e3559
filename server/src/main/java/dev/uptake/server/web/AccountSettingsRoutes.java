package dev.uptake.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.mapping.InvalidMappingException;
import dev.uptake.core.mapping.MappingCodec;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.core.settings.SettingsCodec;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.query.MappingRoutes;
import dev.uptake.store.Members;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.SettingsStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Account settings (tiers, lifecycle stages, custom dimensions, session timeout, idle threshold,
 * time zone) as a form, and the workspace's mapping ({@link MappingForm}) with a preview of the
 * latest events under it and the reprocessing that applies it to stored events. It is read by the same {@link SettingsCodec} as {@code PUT
 * /api/v1/settings}, so the page and the API refuse the same things, and a refusal is shown next
 * to the field it names. Admins save; viewers read.
 */
public final class AccountSettingsRoutes {

  /** One dimension row of the form; {@code error} is the refusal that names it, if any. */
  public record DimensionRow(String name, String type, String source, String trait, String error) {
    static final DimensionRow EMPTY = new DimensionRow("", "string", "group", "", null);
  }

  /**
   * The form's values as typed (so a refused form comes back as it was sent), and the refusal.
   *
   * @param errorField the codec's field name ({@code timeZone}, {@code tiers[2]}, {@code dimensions[0].type}), or ""
   */
  public record Form(
      String tiers, String lifecycleStages, List<DimensionRow> dimensions, String sessionTimeoutMinutes,
      String idleThresholdMinutes, String timeZone, String errorField, String errorMessage) {

    /** Whether the refusal names {@code field} or one of its items. */
    public boolean errorIn(String field) {
      return errorField.equals(field) || errorField.startsWith(field + "[");
    }
  }

  private final SettingsStore settings;
  private final MappingRoutes mappings;
  private final Reprocessing reprocessing;
  private final Pages pages;
  private final ObjectMapper json;
  private final Clock clock;

  public AccountSettingsRoutes(
      Pages pages, SettingsStore settings, MappingRoutes mappings, Reprocessing reprocessing, ObjectMapper json,
      Clock clock) {
    this.pages = pages;
    this.clock = clock;
    this.settings = settings;
    this.mappings = mappings;
    this.reprocessing = reprocessing;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/settings/account", this::page);
    routes.post("/settings/account", this::save);
    routes.post("/settings/mappings", this::saveMapping);
    routes.post("/settings/mappings/preview", this::preview);
    routes.post("/settings/mappings/reprocess", this::reprocess);
    routes.get("/settings/mappings/progress", this::progress);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isPresent()) {
      String notice = ctx.queryParam("saved") != null
          ? "Saved. New events follow the new settings; to apply session settings to old data, see docs/usage.md."
          : ctx.queryParam("mappingSaved") != null
          ? "Mapping saved. Events processed from now on follow it; \"Reprocess\" applies it to the events already stored."
          : ctx.queryParam("reprocessing") != null ? "Reprocessing: the progress shows below." : "";
      WorkspaceSettings current = settings.get(session.get().workspaceId());
      show(ctx, 200, session.get(), form(current), MappingForm.of(current.mapping()), notice);
    }
  }

  private void saveMapping(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.admin(ctx, session.get()) || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    MappingForm posted = MappingForm.posted(ctx);
    try {
      settings.putMapping(session.get().workspaceId(), MappingCodec.read(posted.json(json)));
    } catch (InvalidMappingException e) {
      show(ctx, 400, session.get(), form(settings.get(session.get().workspaceId())), posted.refused(e.field(), e.getMessage()), "");
      return;
    }
    ctx.redirect("/settings/account?mappingSaved#mappings", HttpStatus.SEE_OTHER);
  }

  /** The latest events as the mapping being edited reads them: a part of the page, before saving. */
  private void preview(Context ctx) {
    Optional<Members.WebSession> session = pages.requireForPart(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    MappingForm posted = MappingForm.posted(ctx);
    Map<String, Object> model = new HashMap<>();
    try {
      model.put("rows", mappings.preview(session.get().workspaceId(), MappingCodec.read(posted.json(json))));
      model.put("error", "");
    } catch (InvalidMappingException e) {
      model.put("rows", List.of());
      model.put("error", e.getMessage());
    }
    pages.render(ctx, 200, "mapping-preview.jte", model);
  }

  private void reprocess(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.admin(ctx, session.get()) || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    if (!mappings.canReprocess()) {
      pages.refuse(ctx, 409, "Reprocessing runs on a single server; a cluster's processors do not replay yet.");
      return;
    }
    reprocessing.request(session.get().workspaceId(), clock.instant());
    ctx.redirect("/settings/account?reprocessing#mappings", HttpStatus.SEE_OTHER);
  }

  /** One line: how far the workspace's reprocessing has come. */
  private void progress(Context ctx) {
    Optional<Members.WebSession> session = pages.requireForPart(ctx);
    if (session.isEmpty()) {
      return;
    }
    String text = reprocessing.job(session.get().workspaceId()).map(job -> switch (job.state()) {
      case "waiting" -> "Reprocessing waits to start…";
      case "running" -> "Reprocessing: " + Wording.number(job.done()) + " of " + Wording.number(job.total()) + " events";
      default -> "Reprocessed: " + Wording.number(job.done()) + " events, finished "
          + Wording.when(job.finishedAt(), clock.instant(), settings.get(session.get().workspaceId()).timeZone()).relative();
    }).orElse("Never reprocessed.");
    ctx.contentType("text/plain; charset=utf-8").header("Cache-Control", "no-store").result(text);
  }

  private void save(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.admin(ctx, session.get()) || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    List<DimensionRow> rows = dimensionRows(ctx);
    ObjectNode body = json.createObjectNode();
    lines(body.putArray("tiers"), ctx.formParam("tiers"));
    lines(body.putArray("lifecycleStages"), ctx.formParam("lifecycleStages"));
    ArrayNode dimensions = body.putArray("dimensions");
    rows.forEach(row -> dimensions.addObject().put("name", row.name()).put("type", row.type())
        .put("source", row.source()).put("trait", row.trait()));
    minutes(body, "sessionTimeoutMinutes", ctx.formParam("sessionTimeoutMinutes"));
    minutes(body, "idleThresholdMinutes", ctx.formParam("idleThresholdMinutes"));
    body.put("timeZone", text(ctx.formParam("timeZone")));
    try {
      settings.put(session.get().workspaceId(), SettingsCodec.read(body));
    } catch (InvalidSettingsException e) {
      List<DimensionRow> shown = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        DimensionRow row = rows.get(i);
        boolean named = e.field().startsWith("dimensions[" + i + "]");
        shown.add(named ? new DimensionRow(row.name(), row.type(), row.source(), row.trait(), e.getMessage()) : row);
      }
      shown.add(DimensionRow.EMPTY);
      Form refused = new Form(text(ctx.formParam("tiers")), text(ctx.formParam("lifecycleStages")), shown,
          text(ctx.formParam("sessionTimeoutMinutes")), text(ctx.formParam("idleThresholdMinutes")),
          text(ctx.formParam("timeZone")), e.field(), e.getMessage());
      show(ctx, 400, session.get(), refused,
          MappingForm.of(settings.get(session.get().workspaceId()).mapping()), "");
      return;
    }
    ctx.redirect("/settings/account?saved", HttpStatus.SEE_OTHER);
  }

  private void show(Context ctx, int status, Members.WebSession session, Form form, MappingForm mapping, String notice) {
    Map<String, Object> model = pages.frame(session);
    model.put("admin", session.role() == Members.Role.ADMIN);
    model.put("form", form);
    model.put("mapping", mapping);
    model.put("notice", notice);
    pages.render(ctx, status, "account-settings.jte", model);
  }

  private static Form form(WorkspaceSettings current) {
    List<DimensionRow> rows = new ArrayList<>();
    for (Dimension dimension : current.dimensions()) {
      rows.add(new DimensionRow(dimension.name(), dimension.type().id(), dimension.source().id(), dimension.trait(), null));
    }
    rows.add(DimensionRow.EMPTY);
    return new Form(String.join("\n", current.tiers()), String.join("\n", current.lifecycleStages()), rows,
        Integer.toString(current.sessionTimeoutMinutes()), Integer.toString(current.idleThresholdMinutes()),
        current.timeZone().getId(), "", "");
  }

  /** The form's dimension rows that are not empty, in order: row i is the codec's {@code dimensions[i]}. */
  private static List<DimensionRow> dimensionRows(Context ctx) {
    List<String> names = ctx.formParams("dimension-name");
    List<String> types = ctx.formParams("dimension-type");
    List<String> sources = ctx.formParams("dimension-source");
    List<String> traits = ctx.formParams("dimension-trait");
    List<DimensionRow> rows = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = text(names.get(i));
      String trait = i < traits.size() ? text(traits.get(i)) : "";
      if (!name.isEmpty() || !trait.isEmpty()) {
        rows.add(new DimensionRow(name, i < types.size() ? types.get(i) : "string",
            i < sources.size() ? sources.get(i) : "group", trait, null));
      }
    }
    return rows;
  }

  private static void lines(ArrayNode into, String text) {
    text(text).lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(into::add);
  }

  /** A whole number as a number; anything else as typed, for the codec to refuse with its field. */
  private static void minutes(ObjectNode body, String field, String text) {
    try {
      body.put(field, Integer.parseInt(text(text)));
    } catch (NumberFormatException e) {
      body.put(field, text(text));
    }
  }

  private static String text(String value) {
    return value == null ? "" : value.strip();
  }
}
