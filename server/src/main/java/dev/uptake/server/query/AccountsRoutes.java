package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.TraitMapping;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.Responses;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/accounts}: every account with its figures, filtered, sorted and paged by
 * cursor. Filters: {@code tier}, {@code lifecycleStage}, {@code isChurned}, {@code pending},
 * {@code dimension.NAME=value} (and {@code >}, {@code <}, {@code >=}, {@code <=} for number and date
 * dimensions), {@code inactiveDays}, {@code healthBand}, {@code q}; {@code sort} (any figure, {@code name} by default)
 * and {@code order} ({@code asc} by default); {@code limit} and {@code cursor} (CSV: every row
 * unless {@code limit} is given).
 */
public final class AccountsRoutes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1_000;

  /** A dimension filter as written in the query string: {@code dimension.NAME}, an operator, a value. */
  private static final Pattern DIMENSION = Pattern.compile("dimension\\.(.+?)(>=|<=|>|<|=)(.*)", Pattern.DOTALL);

  /** The list's columns, in JSON and CSV: the account fields, then its figures. */
  static final List<String> COLUMNS = columns();

  private final AdminAuth auth;
  private final HealthBoard board;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;
  private final ProfileNodes nodes;
  private final Clock clock;

  public AccountsRoutes(
      Workspaces workspaces, HealthBoard board, SettingsStore settings, Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.board = board;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
    this.nodes = new ProfileNodes(json);
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/accounts", this::list);
  }

  private void list(Context ctx) {
    respond(ctx, auth.workspace(ctx).id());
  }

  /**
   * Answers the list of the request's parameters for a workspace the caller has already
   * authenticated (the API by admin token, the web app by session): JSON, or CSV.
   */
  public void respond(Context ctx, long workspaceId) {
    // A CSV download is the whole list unless a page is asked for; JSON comes a page at a time.
    int limit = Table.wantsCsv(ctx) ? QueryParams.limit(ctx, Integer.MAX_VALUE, Integer.MAX_VALUE)
        : QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    AccountList.Page page = page(ctx, workspaceId, limit);
    Table table = new Table(COLUMNS, Set.of("dimensions", "health"));
    for (AccountDirectory.Row row : page.rows()) {
      Map<String, Object> values = new HashMap<>();
      nodes.account(row.view()).properties().forEach(field -> values.put(field.getKey(), field.getValue()));
      values.putAll(AccountList.figures(row));
      values.put("health", AccountHealth.json(row.health(), json));
      table.add(values);
    }
    ObjectNode extra = json.createObjectNode();
    extra.put("total", page.total());
    extra.put("nextCursor", page.nextCursor());
    table.answer(ctx, "accounts", extra, responses, json);
  }

  /**
   * The page the request's filters, sort, cursor and {@code limit} select, as typed rows: the API
   * renders them as JSON or CSV, the web app's accounts table as its lines, from the same figures.
   */
  public AccountList.Page page(Context ctx, long workspaceId, int limit) {
    AccountList list = query(ctx, settings.get(workspaceId));
    return list.page(board.accounts(workspaceId).rows(), blankToNull(ctx.queryParam("cursor")), limit);
  }

  private AccountList query(Context ctx, WorkspaceSettings workspaceSettings) {
    return query(ctx.queryString(), workspaceSettings, clock.instant());
  }

  /**
   * The list a query string selects ({@code tier=Gold&sort=health}): its filters, sort and order,
   * each refused with its parameter's name when it cannot be read. Saved views and alert rules
   * keep their filters in this form.
   */
  public static AccountList query(String queryString, WorkspaceSettings workspaceSettings, Instant now) {
    List<String> pairs = pairs(queryString);
    Map<String, String> params = new HashMap<>();
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      params.putIfAbsent(equals < 0 ? pair : pair.substring(0, equals), equals < 0 ? "" : pair.substring(equals + 1));
    }
    String order = params.get("order");
    boolean descending = order != null && !order.isBlank() && switch (order.strip().toLowerCase(Locale.ROOT)) {
      case "asc" -> false;
      case "desc" -> true;
      default -> throw AccountList.invalid("order", "order must be asc or desc; was '" + order + "'");
    };
    String sort = blankToNull(params.get("sort"));
    AccountList list = new AccountList(sort == null ? AccountList.Sort.NAME : AccountList.Sort.of(sort.strip()), descending);
    param(params, "tier").ifPresent(value -> list.where(AccountList.fieldEquals("tier", value)));
    param(params, "lifecycleStage").ifPresent(value -> list.where(AccountList.fieldEquals("lifecycleStage", value)));
    param(params, "isChurned").ifPresent(value -> list.where(AccountList.churned("isChurned", value)));
    param(params, "pending").ifPresent(value -> list.where(AccountList.pending("pending", value)));
    param(params, "inactiveDays").ifPresent(value -> list.where(AccountList.inactiveDays("inactiveDays", value, now)));
    param(params, "healthBand").ifPresent(value -> list.where(AccountList.healthBand("healthBand", value)));
    param(params, "q").ifPresent(value -> list.where(AccountList.search(value.strip())));
    for (String pair : pairs) {
      Matcher matcher = DIMENSION.matcher(pair);
      if (matcher.matches()) {
        list.where(AccountList.dimension(dimension(workspaceSettings, matcher.group(1)), matcher.group(2), matcher.group(3)));
      }
    }
    return list;
  }

  /** The query string's pairs, decoded whole: {@code dimension.arr>5} has no '=' to split at. */
  private static List<String> pairs(String query) {
    if (query == null || query.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(query.split("&"))
        .filter(pair -> !pair.isEmpty())
        .map(pair -> URLDecoder.decode(pair, StandardCharsets.UTF_8))
        .toList();
  }

  private static Dimension dimension(WorkspaceSettings settings, String name) {
    return settings.dimensions().stream()
        .filter(dimension -> dimension.name().equals(name))
        .findFirst()
        .orElseThrow(() -> AccountList.invalid("dimension." + name, "the workspace defines no dimension named '" + name
            + "'; defined: " + settings.dimensions().stream().map(Dimension::name).toList()));
  }

  private static Optional<String> param(Map<String, String> params, String name) {
    return Optional.ofNullable(blankToNull(params.get(name)));
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static List<String> columns() {
    List<String> columns = new ArrayList<>();
    columns.add("id");
    columns.addAll(TraitMapping.ACCOUNT_FIELDS);
    columns.addAll(List.of("pending", "dimensions", "firstSeenAt"));
    columns.addAll(AccountList.FIGURES);
    columns.add("health");
    return List.copyOf(columns);
  }
}
