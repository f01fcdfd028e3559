package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.TraitMapping;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.Adoption;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One account's lists: {@code GET /api/v1/accounts/{id}/users} (its linked users with their
 * figures and activity rank), {@code …/modules} and {@code …/features} (who uses what over
 * {@code from}..{@code to}). Each answers JSON or CSV ({@link Table}).
 */
public final class AccountDetailRoutes {

  static final List<String> USER_COLUMNS = userColumns();
  static final List<String> MODULE_COLUMNS =
      List.of("module", "users", "nonUsers", "activeSeconds", "timeSource", "events", "lastUsed");
  static final List<String> FEATURE_COLUMNS =
      List.of("module", "feature", "users", "nonUsers", "events", "lastUsed", "adoption");

  private final AdminAuth auth;
  private final Profiles profiles;
  private final SettingsStore settings;
  private final Usage usage;
  private final AccountUsers accountUsers;
  private final Responses responses;
  private final ObjectMapper json;
  private final ProfileNodes nodes;
  private final Clock clock;

  public AccountDetailRoutes(
      Workspaces workspaces, Profiles profiles, SettingsStore settings, Usage usage, AccountUsers accountUsers,
      Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.accountUsers = accountUsers;
    this.profiles = profiles;
    this.settings = settings;
    this.usage = usage;
    this.responses = responses;
    this.json = json;
    this.nodes = new ProfileNodes(json);
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/accounts/{id}/users", this::users);
    routes.get("/api/v1/accounts/{id}/modules", this::modules);
    routes.get("/api/v1/accounts/{id}/features", this::features);
  }

  /**
   * The account's users, most active first: {@code rank} is 1 + the number of its users with more
   * active time over the last 30 days (so equals share a rank); figures over windows ending yesterday.
   */
  private void users(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = existing(workspace, ctx.pathParam("id"));
    AccountUsers.Ranking ranking = accountUsers.of(workspace.id(), id);
    Table table = new Table(USER_COLUMNS, Set.of("dimensions"));
    for (AccountUsers.Ranked ranked : ranking.users()) {
      Map<String, Object> row = new HashMap<>();
      nodes.user(ranked.user()).properties().forEach(field -> row.put(field.getKey(), field.getValue()));
      row.put("daysActive30d", ranked.figures().daysActive30d());
      row.put("activeSeconds30d", ranked.figures().activeMillis30d() / 1000.0);
      row.put("sessions30d", ranked.figures().sessions30d());
      row.put("rank", ranked.rank());
      table.add(row);
    }
    ObjectNode extra = json.createObjectNode();
    extra.put("asOf", ranking.asOf().toString());
    table.answer(ctx, "users", extra, responses, json);
  }

  private void modules(Context ctx) {
    adoption(ctx, "modules", MODULE_COLUMNS, (cells, users) -> Adoption.modules(cells, users).stream().map(use -> {
      Map<String, Object> row = new HashMap<>();
      row.put("module", use.module());
      row.put("users", use.users());
      row.put("nonUsers", use.nonUsers());
      row.put("activeSeconds", use.activeMillis() / 1000.0);
      row.put("timeSource", use.timeSource());
      row.put("events", use.events());
      row.put("lastUsed", text(use.lastUsed()));
      return row;
    }).toList());
  }

  private void features(Context ctx) {
    adoption(ctx, "features", FEATURE_COLUMNS, (cells, users) -> Adoption.features(cells, users).stream().map(use -> {
      Map<String, Object> row = new HashMap<>();
      row.put("module", use.module());
      row.put("feature", use.feature());
      row.put("users", use.users());
      row.put("nonUsers", use.nonUsers());
      row.put("events", use.events());
      row.put("lastUsed", text(use.lastUsed()));
      row.put("adoption", use.adoption());
      return row;
    }).toList());
  }

  /** The rows of a list over the account's usage cells in the range and its users. */
  private interface AdoptionRows {
    List<Map<String, Object>> rows(Map<Cell, Measures> cells, List<String> accountUsers);
  }

  private void adoption(Context ctx, String name, List<String> columns, AdoptionRows rows) {
    Workspace workspace = auth.workspace(ctx);
    String id = existing(workspace, ctx.pathParam("id"));
    QueryParams.Days days = QueryParams.days(ctx, settings.get(workspace.id()).timeZone(), clock);
    Map<Cell, Measures> cells = new HashMap<>();
    usage.accountUsage(workspace.id(), id, days.from(), days.to())
        .forEach(row -> cells.merge(row.cell(), row.measures(), Measures::plus));
    List<String> accountUsers = profiles.usersOf(workspace.id(), id).stream().map(UserState::userId).toList();
    Table table = new Table(columns, Set.of());
    rows.rows(cells, accountUsers).forEach(table::add);
    ObjectNode range = json.createObjectNode().put("from", days.from().toString()).put("to", days.to().toString());
    table.answer(ctx, name, range, responses, json);
  }

  private static String text(LocalDate day) {
    return day == null ? null : day.toString();
  }

  private String existing(Workspace workspace, String id) {
    if (profiles.account(workspace.id(), id).isEmpty()) {
      throw ApiError.notFound("account", id).exception();
    }
    return id;
  }

  private static List<String> userColumns() {
    List<String> columns = new ArrayList<>(List.of("id", "accountId"));
    columns.addAll(TraitMapping.USER_FIELDS);
    columns.addAll(List.of("traits", "dimensions", "firstSeenAt", "lastSeenAt", "daysActive30d", "activeSeconds30d",
        "sessions30d", "rank"));
    return List.copyOf(columns);
  }
}
