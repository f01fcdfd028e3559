package dev.uptake.server.accountapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.Responses;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Account API v2's reads: {@code GET /api/v2/accounts}, {@code /api/v2/accounts/{account_id}},
 * {@code /api/v2/accounts/{account_id}/users}, {@code /api/v2/account_users} and {@code
 * /api/v2/account_users/{user_id}}, authenticated by the workspace's Account API key (HTTP Basic
 * user {@code api}, or {@code ?api_key=}), in its envelopes: {@code status_is_ok}, {@code results},
 * {@code current_page}, {@code max_page_size} (1000), the query's {@code order_by} and {@code
 * direction} echoed, and {@code message} when something is refused.
 */
public final class AccountApiRoutes {

  static final int PAGE = 1000;
  static final List<String> USER_ORDER = List.of("user_id", "account_id", "email", "first_name", "last_name");

  private final Workspaces workspaces;
  private final Profiles profiles;
  private final AccountDirectory directory;
  private final HealthBoard board;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;
  private final AccountApiRecords records;

  public AccountApiRoutes(
      Workspaces workspaces, Profiles profiles, AccountDirectory directory, HealthBoard board, SettingsStore settings,
      Responses responses, ObjectMapper json) {
    this.workspaces = workspaces;
    this.profiles = profiles;
    this.directory = directory;
    this.board = board;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
    this.records = new AccountApiRecords(json);
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v2/accounts", this::accounts);
    routes.get("/api/v2/accounts/{account_id}", this::account);
    routes.get("/api/v2/accounts/{account_id}/users", this::accountUsers);
    routes.get("/api/v2/account_users", this::users);
    routes.get("/api/v2/account_users/{user_id}", this::user);
  }

  private void accounts(Context ctx) {
    Optional<Workspace> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    WorkspaceSettings workspaceSettings = settings.get(workspace.get().id());
    List<ObjectNode> all = new ArrayList<>();
    for (AccountDirectory.Row row : board.accounts(workspace.get().id()).rows()) {
      Double score = row.health() == null || row.health().score() == null ? null : row.health().score().score();
      all.add(records.account(row.view(), score, workspaceSettings));
    }
    page(ctx, all, "account_id", List.of("account_id", "name", "join_date"));
  }

  private void account(Context ctx) {
    Optional<Workspace> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    String id = ctx.pathParam("account_id");
    Optional<AccountDirectory.Row> row = board.account(workspace.get().id(), id).rows().stream().findFirst();
    if (row.isEmpty()) {
      refuse(ctx, 404, "Account not found");
      return;
    }
    Double score = row.get().health().score() == null ? null : row.get().health().score().score();
    one(ctx, records.account(row.get().view(), score, settings.get(workspace.get().id())));
  }

  private void accountUsers(Context ctx) {
    Optional<Workspace> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    String id = ctx.pathParam("account_id");
    if (profiles.account(workspace.get().id(), id).isEmpty()) {
      refuse(ctx, 404, "Account not found");
      return;
    }
    WorkspaceSettings workspaceSettings = settings.get(workspace.get().id());
    List<ObjectNode> all = profiles.usersOf(workspace.get().id(), id).stream()
        .map(user -> records.user(user, workspaceSettings)).toList();
    page(ctx, all, "user_id", USER_ORDER);
  }

  private void users(Context ctx) {
    Optional<Workspace> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    WorkspaceSettings workspaceSettings = settings.get(workspace.get().id());
    List<ObjectNode> all = directory.users(workspace.get().id()).stream()
        .map(user -> records.user(user, workspaceSettings)).toList();
    page(ctx, all, "user_id", USER_ORDER);
  }

  private void user(Context ctx) {
    Optional<Workspace> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    Optional<UserState> user = profiles.user(workspace.get().id(), ctx.pathParam("user_id"));
    if (user.isEmpty()) {
      refuse(ctx, 404, "User not found");
      return;
    }
    one(ctx, records.user(user.get(), settings.get(workspace.get().id())));
  }

  /**
   * A page of {@code all}: sorted by {@code order_by} (one of {@code orderable}; nulls last, ties by
   * the id field) in {@code direction}, 1000 per page from {@code page} 0.
   */
  private void page(Context ctx, List<ObjectNode> all, String idField, List<String> orderable) {
    String orderBy = Optional.ofNullable(ctx.queryParam("order_by")).filter(text -> !text.isBlank()).orElse(idField);
    String direction = Optional.ofNullable(ctx.queryParam("direction")).filter(text -> !text.isBlank()).orElse("asc")
        .toLowerCase(Locale.ROOT);
    if (!orderable.contains(orderBy)) {
      refuse(ctx, 400, "Invalid order_by: " + orderBy + "; one of " + String.join(", ", orderable));
      return;
    }
    if (!direction.equals("asc") && !direction.equals("desc")) {
      refuse(ctx, 400, "Invalid direction: " + direction + "; asc or desc");
      return;
    }
    int page;
    try {
      page = Integer.parseInt(Optional.ofNullable(ctx.queryParam("page")).orElse("0").strip());
    } catch (NumberFormatException e) {
      page = -1;
    }
    if (page < 0) {
      refuse(ctx, 400, "Invalid page: " + ctx.queryParam("page") + "; pages are numbered from 0");
      return;
    }
    Function<ObjectNode, String> key = record -> record.path(orderBy).isNull() || record.path(orderBy).isMissingNode()
        ? null : record.path(orderBy).isNumber() ? String.format(Locale.ROOT, "%020d", record.path(orderBy).asLong())
        : record.path(orderBy).asText();
    Comparator<String> values = direction.equals("desc") ? Comparator.reverseOrder() : Comparator.naturalOrder();
    Comparator<ObjectNode> order = Comparator.comparing(key, Comparator.nullsLast(values))
        .thenComparing(record -> record.path(idField).asText());
    List<ObjectNode> sorted = new ArrayList<>(all);
    sorted.sort(order);
    ObjectNode body = json.createObjectNode();
    body.put("status_is_ok", true);
    ArrayNode results = body.putArray("results");
    long from = (long) page * PAGE;
    for (long i = from; i < Math.min(sorted.size(), from + PAGE); i++) {
      results.add(sorted.get((int) i));
    }
    body.put("current_page", page);
    body.put("max_page_size", PAGE);
    body.put("order_by", orderBy);
    body.put("direction", direction);
    if (ctx.queryParam("include_inactive") != null) {
      body.put("include_inactive", ctx.queryParam("include_inactive"));
    }
    responses.json(ctx, 200, body);
  }

  private void one(Context ctx, ObjectNode record) {
    ObjectNode body = json.createObjectNode();
    body.put("status_is_ok", true);
    body.putArray("results").add(record);
    responses.json(ctx, 200, body);
  }

  /** The workspace of the request's Account API key, or empty after answering 401. */
  private Optional<Workspace> workspace(Context ctx) {
    String key = ctx.queryParam("api_key");
    String header = ctx.header("Authorization");
    if (key == null && header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        key = colon < 0 ? null : pair.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        key = null;
      }
    }
    if (key == null || key.isBlank()) {
      refuse(ctx, 401, "Authentication required: HTTP Basic with user 'api' and the Account API key as the password,"
          + " or ?api_key=KEY (the key is in the IT Administration Center)");
      return Optional.empty();
    }
    Optional<Workspace> workspace = workspaces.byAccountApiKey(key.strip());
    if (workspace.isEmpty()) {
      refuse(ctx, 401, "Invalid API key");
    }
    return workspace;
  }

  private void refuse(Context ctx, int status, String message) {
    ObjectNode body = json.createObjectNode();
    body.put("status_is_ok", false);
    body.put("message", message);
    responses.json(ctx, status, body);
  }
}
