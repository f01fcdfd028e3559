package dev.uptake.server.accountapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.core.ingest.AccountApiFields;
import dev.uptake.server.http.Appender;
import dev.uptake.server.http.Responses;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.store.ApiCalls;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The Account API v2 under {@code /api/v2}: reads of accounts and users, and their writes ({@link
 * AccountApiWrites}), authenticated by the workspace's Account API key (HTTP Basic user {@code
 * api}, or {@code ?api_key=}), in its envelopes: {@code status_is_ok}, {@code results}, {@code
 * current_page}, {@code max_page_size} (1000), the query's {@code order_by} and {@code direction}
 * echoed, {@code failed_results} of a write, and {@code message} when something is refused. Every
 * call of a known workspace is kept for the API Status list ({@link ApiCalls}).
 */
public final class AccountApiRoutes {

  static final int PAGE = 1000;
  static final int MAX_RECORDS = 10_000;
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
  static final List<String> USER_ORDER = List.of("user_id", "account_id", "email", "first_name", "last_name");

  private final Workspaces workspaces;
  private final Profiles profiles;
  private final AccountDirectory directory;
  private final HealthBoard board;
  private final SettingsStore settings;
  private final ApiCalls calls;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;
  private final AccountApiRecords records;
  private final AccountApiWrites writes;

  public AccountApiRoutes(
      Workspaces workspaces, Profiles profiles, AccountDirectory directory, HealthBoard board, SettingsStore settings,
      IngestLedger ledger, ApiCalls calls, Appender appender, Responses responses, ObjectMapper json, Clock clock) {
    this.workspaces = workspaces;
    this.profiles = profiles;
    this.directory = directory;
    this.board = board;
    this.settings = settings;
    this.calls = calls;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
    this.records = new AccountApiRecords(json);
    this.writes = new AccountApiWrites(profiles, settings, ledger, appender, json, clock);
  }

  /** Something that answers one Account API request of an authenticated workspace. */
  private interface Handler {
    Reply handle(Context ctx, Workspace workspace);
  }

  public void register(RoutesConfig routes) {
    serve(routes::get, "/api/v2/accounts", this::accounts);
    serve(routes::post, "/api/v2/accounts", (ctx, ws) -> writes.upsertAccounts(ws, body(ctx)));
    serve(routes::get, "/api/v2/accounts/{account_id}", this::account);
    serve(routes::put, "/api/v2/accounts/{account_id}",
        (ctx, ws) -> writes.updateAccount(ws, ctx.pathParam("account_id"), body(ctx)));
    serve(routes::delete, "/api/v2/accounts/{account_id}",
        (ctx, ws) -> writes.deactivateAccount(ws, ctx.pathParam("account_id")));
    serve(routes::get, "/api/v2/accounts/{account_id}/users", this::accountUsers);
    serve(routes::get, "/api/v2/account_users", this::users);
    serve(routes::post, "/api/v2/account_users", (ctx, ws) -> writes.upsertUsers(ws, body(ctx)));
    serve(routes::get, "/api/v2/account_users/{user_id}", this::user);
    serve(routes::put, "/api/v2/account_users/{user_id}",
        (ctx, ws) -> writes.updateUser(ws, ctx.pathParam("user_id"), body(ctx)));
    serve(routes::delete, "/api/v2/account_users/{user_id}",
        (ctx, ws) -> writes.deactivateUser(ws, ctx.pathParam("user_id")));
  }

  private void serve(BiConsumer<String, io.javalin.http.Handler> method, String path, Handler handler) {
    method.accept(path, ctx -> {
      Optional<Workspace> workspace = workspace(ctx);
      if (workspace.isEmpty()) {
        return;
      }
      Reply reply;
      try {
        reply = handler.handle(ctx, workspace.get());
      } catch (AccountApiRefusal e) {
        reply = Reply.refused(e.status(), e.getMessage(), json);
      } catch (AccountApiFields.InvalidField e) { // a single record's (PUT); bulk writes list theirs in failed_results
        reply = Reply.refused(400, e.getMessage() + ": " + e.detail(), json);
      }
      responses.json(ctx, reply.status(), reply.body());
      calls.record(workspace.get().id(), new ApiCalls.Call(clock.instant(), ctx.method().name(), ctx.path(),
          reply.status(), reply.records(), reply.failures()));
    });
  }

  /** A write's JSON body: an object, at most {@link #MAX_BODY_BYTES}. */
  private JsonNode body(Context ctx) {
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new AccountApiRefusal(400, "The body could not be read: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new AccountApiRefusal(413, "The body is larger than " + MAX_BODY_BYTES / (1024 * 1024)
          + " MB; send at most " + MAX_RECORDS + " records per request");
    }
    JsonNode body;
    try {
      body = json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new AccountApiRefusal(400, "The body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new AccountApiRefusal(400, "The body could not be read: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new AccountApiRefusal(400, "The body must be a JSON object: {\"records\": [ … ]} or {\"data\": { … }}");
    }
    return body;
  }

  private Reply accounts(Context ctx, Workspace workspace) {
    WorkspaceSettings workspaceSettings = settings.get(workspace.id());
    boolean inactiveToo = includeInactive(ctx);
    List<ObjectNode> all = new ArrayList<>();
    for (AccountDirectory.Row row : board.accounts(workspace.id()).rows()) {
      if (inactiveToo || AccountApiRecords.active(row.view().account().fields())) {
        all.add(records.account(row.view(), score(row), workspaceSettings));
      }
    }
    return page(ctx, all, "account_id", List.of("account_id", "name", "join_date"));
  }

  private Reply account(Context ctx, Workspace workspace) {
    Optional<AccountDirectory.Row> row =
        board.account(workspace.id(), ctx.pathParam("account_id")).rows().stream().findFirst();
    if (row.isEmpty()) {
      return Reply.refused(404, AccountApiWrites.ACCOUNT_NOT_FOUND, json);
    }
    return one(records.account(row.get().view(), score(row.get()), settings.get(workspace.id())));
  }

  private static Double score(AccountDirectory.Row row) {
    return row.health() == null || row.health().score() == null ? null : row.health().score().score();
  }

  private Reply accountUsers(Context ctx, Workspace workspace) {
    String id = ctx.pathParam("account_id");
    if (profiles.account(workspace.id(), id).isEmpty()) {
      return Reply.refused(404, AccountApiWrites.ACCOUNT_NOT_FOUND, json);
    }
    return usersPage(ctx, workspace, profiles.usersOf(workspace.id(), id));
  }

  private Reply users(Context ctx, Workspace workspace) {
    return usersPage(ctx, workspace, directory.users(workspace.id()));
  }

  private Reply usersPage(Context ctx, Workspace workspace, List<UserState> users) {
    WorkspaceSettings workspaceSettings = settings.get(workspace.id());
    boolean inactiveToo = includeInactive(ctx);
    List<ObjectNode> all = users.stream()
        .filter(user -> inactiveToo || AccountApiRecords.active(user.fields()))
        .map(user -> records.user(user, workspaceSettings)).toList();
    return page(ctx, all, "user_id", USER_ORDER);
  }

  private Reply user(Context ctx, Workspace workspace) {
    Optional<UserState> user = profiles.user(workspace.id(), ctx.pathParam("user_id"));
    if (user.isEmpty()) {
      return Reply.refused(404, AccountApiWrites.USER_NOT_FOUND, json);
    }
    return one(records.user(user.get(), settings.get(workspace.id())));
  }

  /** {@code include_inactive}, read as the Account API reads booleans; de-activated records are left out without it. */
  private static boolean includeInactive(Context ctx) {
    String value = ctx.queryParam("include_inactive");
    return value != null && AccountApiFields.lenient(TextNode.valueOf(value));
  }

  /**
   * A page of {@code all}: sorted by {@code order_by} (one of {@code orderable}; nulls last, ties by
   * the id field) in {@code direction}, 1000 per page from {@code page} 0.
   */
  private Reply page(Context ctx, List<ObjectNode> all, String idField, List<String> orderable) {
    String orderBy = Optional.ofNullable(ctx.queryParam("order_by")).filter(text -> !text.isBlank()).orElse(idField);
    String direction = Optional.ofNullable(ctx.queryParam("direction")).filter(text -> !text.isBlank()).orElse("asc")
        .toLowerCase(Locale.ROOT);
    if (!orderable.contains(orderBy)) {
      return Reply.refused(400, "Invalid order_by: " + orderBy + "; one of " + String.join(", ", orderable), json);
    }
    if (!direction.equals("asc") && !direction.equals("desc")) {
      return Reply.refused(400, "Invalid direction: " + direction + "; asc or desc", json);
    }
    int page;
    try {
      page = Integer.parseInt(Optional.ofNullable(ctx.queryParam("page")).orElse("0").strip());
    } catch (NumberFormatException e) {
      page = -1;
    }
    if (page < 0) {
      return Reply.refused(400, "Invalid page: " + ctx.queryParam("page") + "; pages are numbered from 0", json);
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
    return new Reply(200, body, results.size(), 0);
  }

  private Reply one(ObjectNode record) {
    ObjectNode body = json.createObjectNode();
    body.put("status_is_ok", true);
    body.putArray("results").add(record);
    return new Reply(200, body, 1, 0);
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
    responses.json(ctx, status, Reply.refused(status, message, json).body());
  }
}
