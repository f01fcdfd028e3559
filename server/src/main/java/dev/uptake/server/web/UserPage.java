package dev.uptake.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.rollups.UsageReport;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.query.QueryParams;
import dev.uptake.store.Members;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One user ({@code /users/{id}}): fields, traits, dimensions and account; the modules and features
 * they used over a range of days (30 ending today by default); their recent sessions.
 */
public final class UserPage {

  /** @param timeSource "measured" when most of the active time was measured by a collector, else "estimated" */
  public record ModuleLine(String module, String activeTime, String timeSource, long events) {}

  public record FeatureLine(String module, String feature, long events) {}

  private final Pages pages;
  private final Profiles profiles;
  private final Usage usage;
  private final SettingsStore settings;
  private final Clock clock;

  public UserPage(Pages pages, Profiles profiles, Usage usage, SettingsStore settings, Clock clock) {
    this.pages = pages;
    this.profiles = profiles;
    this.usage = usage;
    this.settings = settings;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/users/{id}", this::page);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    long workspace = session.get().workspaceId();
    String id = ctx.pathParam("id");
    Optional<UserState> user = profiles.user(workspace, id);
    if (user.isEmpty()) {
      pages.refuse(ctx, 404, "This workspace has no user '" + id + "'.");
      return;
    }
    WorkspaceSettings workspaceSettings = settings.get(workspace);
    ZoneId zone = workspaceSettings.timeZone();
    Optional<QueryParams.Days> range = AccountPage.range(ctx, zone, clock, pages);
    if (range.isEmpty()) {
      return;
    }
    LocalDate from = range.get().from();
    LocalDate to = range.get().to();
    Map<Cell, Measures> cells = new HashMap<>();
    usage.userUsage(workspace, id, from, to).forEach(row -> cells.merge(row.cell(), row.measures(), Measures::plus));
    UsageReport report = UsageReport.of(cells, from, to);
    List<ModuleLine> modules = new ArrayList<>();
    report.modules().forEach((module, measures) ->
        modules.add(new ModuleLine(module, Wording.duration(measures.activeMillis() / 1000.0), measures.timeSource(),
            measures.events())));
    List<FeatureLine> features = report.features().stream()
        .map(use -> new FeatureLine(use.module(), use.feature(), use.events())).toList();
    long fromMillis = from.atStartOfDay(zone).toInstant().toEpochMilli();
    long toMillis = to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();

    Map<String, Object> model = pages.frame(session.get());
    model.put("userId", id);
    model.put("accountId", Optional.ofNullable(user.get().accountId()).orElse(""));
    model.put("fields", fields(user.get(), clock.instant(), zone));
    model.put("from", from.toString());
    model.put("to", to.toString());
    model.put("modules", modules);
    model.put("features", features);
    model.put("sessions", AccountPage.lines(usage.userSessions(workspace, id, fromMillis, toMillis, AccountPage.SESSIONS),
        zone, workspaceSettings.idleThresholdMinutes() * 60_000L));
    pages.render(ctx, 200, "user.jte", model);
  }

  private static List<AccountPage.Field> fields(UserState user, Instant now, ZoneId zone) {
    List<AccountPage.Field> fields = new ArrayList<>();
    user.fields().values().forEach((name, value) -> add(fields, name, value.value(), name, zone));
    user.dimensions().values().forEach((name, value) -> add(fields, name, value.value(), "custom dimension " + name, zone));
    user.traits().values().forEach((name, value) -> add(fields, name, value.value(), "trait " + name, zone));
    Wording.When first = Wording.when(user.activity().first(), now, zone);
    Wording.When last = Wording.when(user.activity().last(), now, zone);
    fields.add(new AccountPage.Field("First seen", first.relative(), first.exact()));
    fields.add(new AccountPage.Field("Last seen", last.relative(), last.exact()));
    return fields;
  }

  private static void add(List<AccountPage.Field> fields, String name, JsonNode value, String title, ZoneId zone) {
    if (!value.isNull()) {
      fields.add(new AccountPage.Field(Wording.label(name), Wording.value(value, zone), title));
    }
  }
}
