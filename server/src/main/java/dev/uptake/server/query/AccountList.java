package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.server.http.ApiError;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The accounts list's filters, sorts and cursor pages over {@link AccountDirectory.Row}s. Nulls
 * sort last either way, and ties go by account id (ascending either way), so the order is stable
 * and a cursor (the last row's sort value and id) continues exactly after its row, whatever
 * changed in between.
 */
public final class AccountList {

  /** A sortable column: its name in the API and the value it sorts by (null sorts last). */
  enum Sort {
    ID("id", row -> row.view().account().accountId()),
    NAME("name", row -> text(row, "name").map(name -> name.toLowerCase(Locale.ROOT)).orElse(null)),
    CREATED_AT("createdAt", row -> text(row, "createdAt").orElse(null)),
    LAST_SEEN_AT("lastSeenAt", row -> row.view().activity().last() == null ? null : (double) row.view().activity().last().toEpochMilli()),
    ACTIVE_USERS_7D("activeUsers7d", row -> (double) row.figures().activeUsers7d()),
    ACTIVE_USERS_30D("activeUsers30d", row -> (double) row.figures().activeUsers30d()),
    SESSIONS_30D("sessions30d", row -> (double) row.figures().sessions30d()),
    ACTIVE_SECONDS_30D("activeSeconds30d", row -> (double) row.figures().activeMillis30d()),
    DAYS_ACTIVE_30D("daysActive30d", row -> (double) row.figures().daysActive30d()),
    TREND("trend", row -> row.figures().trend()),
    USERS_TOTAL("usersTotal", row -> (double) row.usersTotal()),
    DAU_MAU("dauMau", row -> row.figures().dauMau()),
    HEALTH("health", row -> row.health() == null || row.health().score() == null ? null : row.health().score().score());

    final String id;
    final Function<AccountDirectory.Row, Object> value;

    Sort(String id, Function<AccountDirectory.Row, Object> value) {
      this.id = id;
      this.value = value;
    }

    static Sort of(String id) {
      for (Sort sort : values()) {
        if (sort.id.equals(id)) {
          return sort;
        }
      }
      throw invalid("sort", "sort must be one of " + ids() + "; was '" + id + "'");
    }

    static List<String> ids() {
      return Arrays.stream(values()).map(sort -> sort.id).toList();
    }
  }

  /** A page of the list: its rows, how many match, the next page's cursor (null on the last). */
  public record Page(List<AccountDirectory.Row> rows, int total, String nextCursor) {}

  private final List<Predicate<AccountDirectory.Row>> filters = new ArrayList<>();
  private final Sort sort;
  private final boolean descending;

  AccountList(Sort sort, boolean descending) {
    this.sort = sort;
    this.descending = descending;
  }

  AccountList where(Predicate<AccountDirectory.Row> filter) {
    filters.add(filter);
    return this;
  }

  /** Whether the row passes every filter. */
  public boolean matches(AccountDirectory.Row row) {
    return filters.stream().allMatch(filter -> filter.test(row));
  }

  Page page(List<AccountDirectory.Row> rows, String cursor, int limit) {
    Comparator<Key> order = order();
    List<Key> matching = new ArrayList<>();
    for (AccountDirectory.Row row : rows) {
      if (matches(row)) {
        matching.add(new Key(sort.value.apply(row), row.view().account().accountId(), row));
      }
    }
    matching.sort(order);
    int from = 0;
    if (cursor != null) {
      Key after = decode(cursor);
      while (from < matching.size() && order.compare(matching.get(from), after) <= 0) {
        from++;
      }
    }
    int to = from + Math.min(limit, matching.size() - from);
    List<AccountDirectory.Row> page = matching.subList(from, to).stream().map(Key::row).toList();
    String next = to < matching.size() ? encode(matching.get(to - 1)) : null;
    return new Page(page, matching.size(), next);
  }

  private record Key(Object value, String id, AccountDirectory.Row row) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Comparator<Key> order() {
    Comparator<Object> values = (a, b) -> ((Comparable) a).compareTo(b);
    Comparator<Object> direction = descending ? values.reversed() : values;
    return Comparator.comparing(Key::value, Comparator.nullsLast(direction))
        .thenComparing(Key::id);
  }

  /** The cursor names its sort, so it is refused with another one rather than misread. */
  private String encode(Key key) {
    String value = key.value() == null ? "" : (key.value() instanceof Double ? "d" : "s") + key.value();
    return String.join(".", part(sort.id), part(descending ? "desc" : "asc"), part(value), part(key.id()));
  }

  private static String part(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private Key decode(String cursor) {
    try {
      String[] parts = cursor.split("\\.", -1);
      if (parts.length == 4 && read(parts[0]).equals(sort.id) && read(parts[1]).equals(descending ? "desc" : "asc")) {
        String value = read(parts[2]);
        return new Key(
            value.isEmpty() ? null : value.startsWith("d") ? Double.valueOf(value.substring(1)) : value.substring(1),
            read(parts[3]), null);
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw invalid("cursor", "cursor is not one this list gave for sort=" + sort.id + " and order="
        + (descending ? "desc" : "asc") + "; start again without it");
  }

  private static String read(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  // Filters, each refused with the parameter's name when its value cannot be read.

  static Predicate<AccountDirectory.Row> fieldEquals(String field, String value) {
    return row -> text(row, field).map(text -> text.equalsIgnoreCase(value)).orElse(false);
  }

  static Predicate<AccountDirectory.Row> churned(String parameter, String value) {
    boolean wanted = bool(parameter, value);
    return row -> row.view().account().fields().value("isChurned").map(JsonNode::asBoolean).orElse(false) == wanted;
  }

  static Predicate<AccountDirectory.Row> pending(String parameter, String value) {
    boolean wanted = bool(parameter, value);
    return row -> row.view().account().pending() == wanted;
  }

  static Predicate<AccountDirectory.Row> inactiveDays(String parameter, String value, Instant now) {
    int days = wholeNumber(parameter, value);
    Instant since = now.minusSeconds(days * 86_400L);
    return row -> row.view().activity().last() == null || row.view().activity().last().isBefore(since);
  }

  static Predicate<AccountDirectory.Row> healthBand(String parameter, String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    if (Arrays.stream(HealthModel.Band.values()).noneMatch(band -> band.id().equals(wanted))) {
      throw invalid(parameter, parameter + " must be red, yellow or green; was '" + value + "'");
    }
    return row -> row.health() != null && row.health().score() != null && row.health().score().band().id().equals(wanted);
  }

  static Predicate<AccountDirectory.Row> search(String value) {
    String wanted = value.toLowerCase(Locale.ROOT);
    return row -> row.view().account().accountId().toLowerCase(Locale.ROOT).contains(wanted)
        || text(row, "name").map(name -> name.toLowerCase(Locale.ROOT).contains(wanted)).orElse(false);
  }

  /** {@code dimension.NAME} compared with {@code op} (=, >, <, >=, <=; the last four for numbers and dates). */
  static Predicate<AccountDirectory.Row> dimension(Dimension dimension, String op, String value) {
    String parameter = "dimension." + dimension.name();
    if (dimension.type() == DimensionType.STRING) {
      if (!op.equals("=")) {
        throw invalid(parameter, parameter + " is a string dimension: only = compares it");
      }
      return row -> dimensionValue(row, dimension).map(v -> v.asText().equalsIgnoreCase(value)).orElse(false);
    }
    Function<JsonNode, Comparable<?>> read = dimension.type() == DimensionType.NUMBER
        ? node -> node.isNumber() ? node.decimalValue() : null
        : node -> node.isTextual() ? instant(node.asText()) : null;
    Comparable<?> wanted = dimension.type() == DimensionType.NUMBER ? number(parameter, value) : instant(value);
    if (wanted == null) {
      throw invalid(parameter, parameter + " is a date dimension: compare it with a date (YYYY-MM-DD) or an ISO-8601 date-time; was '" + value + "'");
    }
    Predicate<Integer> test = switch (op) {
      case "=" -> c -> c == 0;
      case ">" -> c -> c > 0;
      case "<" -> c -> c < 0;
      case ">=" -> c -> c >= 0;
      default -> c -> c <= 0;
    };
    return row -> dimensionValue(row, dimension).map(read).map(v -> test.test(compare(v, wanted))).orElse(false);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Comparable a, Comparable b) {
    return a.compareTo(b);
  }

  private static Optional<JsonNode> dimensionValue(AccountDirectory.Row row, Dimension dimension) {
    return row.view().dimensions().value(dimension.name()).filter(node -> !node.isNull());
  }

  private static Optional<String> text(AccountDirectory.Row row, String field) {
    AccountState account = row.view().account();
    return account.fields().value(field).filter(node -> !node.isNull()).map(JsonNode::asText);
  }

  private static Instant instant(String text) {
    try {
      return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text.strip()).toInstant();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  private static BigDecimal number(String parameter, String value) {
    try {
      return new BigDecimal(value.strip());
    } catch (NumberFormatException e) {
      throw invalid(parameter, parameter + " is a number dimension: compare it with a number; was '" + value + "'");
    }
  }

  private static boolean bool(String parameter, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(parameter, parameter + " must be true or false; was '" + value + "'");
    };
  }

  private static int wholeNumber(String parameter, String value) {
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw invalid(parameter, parameter + " must be a whole number of days, 0 or more; was '" + value + "'");
  }

  static ApiError.ApiException invalid(String field, String reason) {
    return ApiError.of(400, "invalid_parameter", field, reason).exception();
  }

  /** The figures' JSON names, in the order the list and its CSV show them. */
  static final List<String> FIGURES = List.of(
      "activeUsers7d", "activeUsers30d", "sessions30d", "activeSeconds30d", "daysActive30d", "lastSeenAt", "trend",
      "usersTotal", "dauMau");

  /** The figures of a row by their JSON names (numbers, the last-seen time as ISO-8601 text, nulls). */
  static Map<String, Object> figures(AccountDirectory.Row row) {
    ActivityFigures figures = row.figures();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("activeUsers7d", figures.activeUsers7d());
    values.put("activeUsers30d", figures.activeUsers30d());
    values.put("sessions30d", figures.sessions30d());
    values.put("activeSeconds30d", figures.activeMillis30d() / 1000.0);
    values.put("daysActive30d", figures.daysActive30d());
    values.put("lastSeenAt", row.view().activity().last() == null ? null : row.view().activity().last().toString());
    values.put("trend", figures.trend());
    values.put("usersTotal", row.usersTotal());
    values.put("dauMau", figures.dauMau());
    return values;
  }
}
