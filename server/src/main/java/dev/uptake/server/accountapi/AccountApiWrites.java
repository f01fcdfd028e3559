package dev.uptake.server.accountapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.event.EventType;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.AccountApiFields;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.ingest.Rejection;
import dev.uptake.core.settings.Dimension;
import dev.uptake.server.http.Appender;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.IngestStats;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Account API's writes, as records in the event log: each account record becomes a group call
 * and each user record an identify call ({@link Normalizer#record}), received and written now, so
 * they change users and accounts in the same last-writer-wins order as senders' calls, show in
 * the debugger and count in the stats. A refused record is stored as a rejected item of the
 * request, as a sender's refused event is.
 *
 * <p>A write waits, at most {@link #APPLY_WAIT} in all, for processing to apply what came before it
 * (so a user's account written by the previous request is found) and then itself (so a read that
 * follows sees it), as scripts written for the replaced platform expect.
 */
final class AccountApiWrites {

  /** How long a write waits for processing to apply it before answering anyway. */
  static final Duration APPLY_WAIT = Duration.ofSeconds(10);
  static final String ACCOUNT_NOT_FOUND = "Account not found";
  static final String USER_NOT_FOUND = "User not found";

  private static final String ACCOUNTS = "/api/v2/accounts";
  private static final String USERS = "/api/v2/account_users";

  private final Profiles profiles;
  private final SettingsStore settings;
  private final IngestLedger ledger;
  private final Appender appender;
  private final Normalizer normalizer;
  private final ObjectMapper json;
  private final Clock clock;

  AccountApiWrites(
      Profiles profiles, SettingsStore settings, IngestLedger ledger, Appender appender, ObjectMapper json, Clock clock) {
    this.profiles = profiles;
    this.settings = settings;
    this.ledger = ledger;
    this.appender = appender;
    this.normalizer = new Normalizer(json);
    this.json = json;
    this.clock = clock;
  }

  /** {@code POST /api/v2/accounts}: each record inserted, or modified when its account exists. */
  Reply upsertAccounts(Workspace workspace, JsonNode body) {
    List<JsonNode> records = records(body);
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    Writes writes = new Writes(workspace, "POST", ACCOUNTS, deadline);
    List<Dimension> dimensions = dimensions(workspace, Dimension.Source.GROUP);
    Map<String, ObjectNode> seen = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      String id = id(record, "account_id");
      if (id == null) {
        writes.fail(i, "Missing/invalid required field(s): 'account_id'", "account_id", record, Map.of());
        continue;
      }
      Map<String, String> ids = Map.of("account_id", id);
      ObjectNode traits;
      try {
        traits = accountTraits(dimensions, record);
      } catch (AccountApiFields.InvalidField e) {
        writes.fail(i, e.getMessage(), e.field(), record, ids);
        continue;
      }
      List<String> missing = missingOnInsert(workspace.id(), id, traits, seen.get(id));
      if (!missing.isEmpty()) {
        writes.fail(i, "Missing/invalid required field(s) for Accounts insert: '" + String.join("', '", missing) + "'",
            missing.get(0), record, ids);
        continue;
      }
      seen.merge(id, traits.deepCopy(), (before, now) -> before.setAll(now));
      writes.add(i, group(id, traits), record, ids);
    }
    return writes.commit();
  }

  /** {@code PUT /api/v2/accounts/{account_id}}: an existing account's fields. */
  Reply updateAccount(Workspace workspace, String id, JsonNode body) {
    JsonNode data = data(body, "account_id", id);
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    if (profiles.account(workspace.id(), id).isEmpty()) {
      return Reply.refused(404, ACCOUNT_NOT_FOUND, json);
    }
    // A wrongly typed field refuses the whole request (AccountApiRoutes answers it).
    ObjectNode traits = accountTraits(dimensions(workspace, Dimension.Source.GROUP), data);
    Writes writes = new Writes(workspace, "PUT", ACCOUNTS + "/" + id, deadline);
    writes.add(0, group(id, traits), data, Map.of("account_id", id));
    return writes.commit();
  }

  /** {@code DELETE /api/v2/accounts/{account_id}}: the account de-activated; its data stays. */
  Reply deactivateAccount(Workspace workspace, String id) {
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    if (profiles.account(workspace.id(), id).isEmpty()) {
      return Reply.refused(404, ACCOUNT_NOT_FOUND, json);
    }
    Writes writes = new Writes(workspace, "DELETE", ACCOUNTS + "/" + id, deadline);
    ObjectNode traits = json.createObjectNode().put("is_active", false);
    writes.add(0, group(id, traits), traits, Map.of("account_id", id));
    return writes.commit();
  }

  /** {@code POST /api/v2/account_users}: each user inserted or modified, in an account that exists. */
  Reply upsertUsers(Workspace workspace, JsonNode body) {
    List<JsonNode> records = records(body);
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    Writes writes = new Writes(workspace, "POST", USERS, deadline);
    List<Dimension> dimensions = dimensions(workspace, Dimension.Source.IDENTIFY);
    Map<String, Boolean> accounts = new HashMap<>(); // looked up once per request
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      String userId = id(record, "user_id");
      String accountId = id(record, "account_id");
      Map<String, String> ids = new LinkedHashMap<>();
      ids.put("account_id", accountId);
      ids.put("user_id", userId);
      if (userId == null) {
        writes.fail(i, "Missing/invalid required field(s): 'user_id'", "user_id", record, ids);
        continue;
      }
      if (accountId == null) {
        accountId = profiles.user(workspace.id(), userId).map(UserState::accountId).orElse(null);
        if (accountId == null) {
          writes.fail(i, "Missing/invalid required field(s): 'account_id'", "account_id", record, ids);
          continue;
        }
      }
      ids.put("account_id", accountId);
      if (!accounts.computeIfAbsent(accountId, id -> profiles.account(workspace.id(), id).isPresent())) {
        writes.fail(i, ACCOUNT_NOT_FOUND, "account_id", record, ids);
        continue;
      }
      try {
        writes.add(i, identify(userId, accountId, userTraits(dimensions, record)), record, ids);
      } catch (AccountApiFields.InvalidField e) {
        writes.fail(i, e.getMessage(), e.field(), record, ids);
      }
    }
    return writes.commit();
  }

  /** {@code PUT /api/v2/account_users/{user_id}}: an existing user's fields, or the account it belongs to. */
  Reply updateUser(Workspace workspace, String userId, JsonNode body) {
    JsonNode data = data(body, "user_id", userId);
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    Optional<UserState> user = profiles.user(workspace.id(), userId);
    if (user.isEmpty()) {
      return Reply.refused(404, USER_NOT_FOUND, json);
    }
    String accountId = id(data, "account_id");
    if (accountId == null) {
      accountId = user.get().accountId();
    }
    if (accountId == null) {
      return Reply.refused(400, "Missing/invalid required field(s): 'account_id': the user belongs to no account yet", json);
    }
    if (profiles.account(workspace.id(), accountId).isEmpty()) {
      return Reply.refused(404, ACCOUNT_NOT_FOUND, json);
    }
    // A wrongly typed field refuses the whole request (AccountApiRoutes answers it).
    ObjectNode traits = userTraits(dimensions(workspace, Dimension.Source.IDENTIFY), data);
    Writes writes = new Writes(workspace, "PUT", USERS + "/" + userId, deadline);
    writes.add(0, identify(userId, accountId, traits), data, Map.of("account_id", accountId, "user_id", userId));
    return writes.commit();
  }

  /** {@code DELETE /api/v2/account_users/{user_id}}: the user de-activated; its data stays. */
  Reply deactivateUser(Workspace workspace, String userId) {
    long deadline = deadline();
    awaitApplied(workspace.id(), deadline);
    Optional<UserState> user = profiles.user(workspace.id(), userId);
    if (user.isEmpty()) {
      return Reply.refused(404, USER_NOT_FOUND, json);
    }
    ObjectNode traits = json.createObjectNode().put("is_active", false);
    Writes writes = new Writes(workspace, "DELETE", USERS + "/" + userId, deadline);
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("account_id", user.get().accountId());
    ids.put("user_id", userId);
    writes.add(0, identify(userId, user.get().accountId(), traits), traits, ids);
    return writes.commit();
  }

  /** The names an insert needs and neither the record, nor this request's earlier records, nor the account has. */
  private List<String> missingOnInsert(long workspaceId, String id, ObjectNode traits, ObjectNode earlier) {
    Optional<AccountState> account = profiles.account(workspaceId, id);
    List<String> missing = new ArrayList<>();
    if (!present(traits, earlier, "name") && account.flatMap(a -> a.fields().text("name")).filter(t -> !t.isBlank()).isEmpty()) {
      missing.add("name");
    }
    if (!present(traits, earlier, "createdAt") && account.flatMap(a -> a.fields().value("createdAt")).isEmpty()) {
      missing.add("join_date");
    }
    return missing;
  }

  private static boolean present(ObjectNode traits, ObjectNode earlier, String name) {
    for (ObjectNode source : new ObjectNode[] {traits, earlier}) {
      JsonNode value = source == null ? null : source.get(name);
      if (value != null && !value.isNull() && !(value.isTextual() && value.textValue().isBlank())) {
        return true;
      }
    }
    return false;
  }

  /** @param dimensions the workspace's group-sourced dimensions */
  private static ObjectNode accountTraits(List<Dimension> dimensions, JsonNode record) {
    ObjectNode traits = AccountApiFields.traits(record, "");
    traits.remove(List.of("account_id", "current_health_score"));
    placeDimensions(record, traits, dimensions);
    return traits;
  }

  /** @param dimensions the workspace's identify-sourced dimensions */
  private static ObjectNode userTraits(List<Dimension> dimensions, JsonNode record) {
    ObjectNode traits = AccountApiFields.traits(record, "");
    traits.remove(List.of("account_id", "user_id"));
    placeDimensions(record, traits, dimensions);
    return traits;
  }

  private List<Dimension> dimensions(Workspace workspace, Dimension.Source source) {
    return settings.get(workspace.id()).dimensions(source);
  }

  /**
   * Custom dimensions come keyed by the dimension's name (as reads show them); the workspace's
   * dimension reads its trait, which may be named otherwise or nested ({@code plan.seats}).
   */
  private static void placeDimensions(JsonNode record, ObjectNode traits, List<Dimension> dimensions) {
    for (String list : AccountApiFields.CUSTOM) {
      for (JsonNode item : record.path(list)) {
        String key = item.path("key").asText();
        for (Dimension dimension : dimensions) {
          if (dimension.name().equals(key) && !dimension.trait().equals(key) && traits.has(key)) {
            JsonNode value = traits.remove(key);
            String[] path = dimension.trait().split("\\.");
            ObjectNode holder = traits;
            for (int i = 0; i < path.length - 1; i++) {
              holder = holder.get(path[i]) instanceof ObjectNode nested ? nested : holder.putObject(path[i]);
            }
            holder.set(path[path.length - 1], value);
          }
        }
      }
    }
  }

  private ObjectNode group(String accountId, ObjectNode traits) {
    ObjectNode call = json.createObjectNode();
    call.put("type", EventType.GROUP.wireName());
    call.put("groupId", accountId);
    call.set("traits", traits);
    return call;
  }

  /** @param accountId the account the user belongs to from now on, or null to leave it as it is */
  private ObjectNode identify(String userId, String accountId, ObjectNode traits) {
    ObjectNode call = json.createObjectNode();
    call.put("type", EventType.IDENTIFY.wireName());
    call.put("userId", userId);
    if (accountId != null) {
      call.put("groupId", accountId);
    }
    call.set("traits", traits);
    return call;
  }

  /** A key as text: ids are text in the Account API ({@code 12345.0} is not {@code 12345}); null when absent or blank. */
  static String id(JsonNode record, String field) {
    JsonNode value = record == null ? null : record.get(field);
    if (value == null || !(value.isTextual() || value.isNumber())) {
      return null;
    }
    String text = value.isTextual() ? value.textValue().strip() : value.toString();
    return text.isEmpty() ? null : text;
  }

  /** The body's {@code records}, or a refusal of the whole request. */
  private List<JsonNode> records(JsonNode body) {
    JsonNode records = body.get("records");
    if (records == null || !records.isArray()) {
      throw new AccountApiRefusal(400, "Missing/invalid required field(s): 'records' (the body is {\"records\": [ {…}, … ]})");
    }
    if (records.size() > AccountApiRoutes.MAX_RECORDS) {
      throw new AccountApiRefusal(413, "Too many records: " + records.size() + "; send at most "
          + AccountApiRoutes.MAX_RECORDS + " per request");
    }
    List<JsonNode> list = new ArrayList<>(records.size());
    records.forEach(list::add);
    return list;
  }

  /** The body's {@code data}, whose key, if given, must be the URL's. */
  private static JsonNode data(JsonNode body, String key, String id) {
    JsonNode data = body.get("data");
    if (data == null || !data.isObject()) {
      throw new AccountApiRefusal(400, "Missing/invalid required field(s): 'data' (the body is {\"data\": {…}})");
    }
    String named = id(data, key);
    if (named != null && !named.equals(id)) {
      throw new AccountApiRefusal(400, "data." + key + " is '" + named + "' but the URL names '" + id
          + "'; a record's " + key + " cannot be changed");
    }
    return data;
  }

  /** When a write stops waiting for processing: {@link #APPLY_WAIT} from now, for the whole request. */
  private static long deadline() {
    return System.nanoTime() + APPLY_WAIT.toNanos();
  }

  /**
   * Waits until processing has applied every event the workspace had accepted when the wait began,
   * or until {@code deadline} ({@link System#nanoTime}).
   *
   * @return whether it had
   */
  private boolean awaitApplied(long workspaceId, long deadline) {
    long accepted = ledger.stats(workspaceId).accepted();
    for (long pause = 2; ; pause = Math.min(pause * 2, 50)) {
      IngestStats stats = ledger.stats(workspaceId);
      if (stats.processed() >= accepted) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** One request's records and refusals, appended together as one batch. */
  private final class Writes {
    private final Workspace workspace;
    private final String method;
    private final String path;
    private final long deadline;
    private final Instant receivedAt = clock.instant();
    private final String request = UUID.randomUUID().toString();
    private final List<Outcome.Accepted> accepted = new ArrayList<>();
    private final List<IngestBatch.RejectedItem> rejected = new ArrayList<>();
    private final ArrayNode failed = json.createArrayNode();

    Writes(Workspace workspace, String method, String path, long deadline) {
      this.workspace = workspace;
      this.method = method;
      this.path = path;
      this.deadline = deadline;
    }

    void add(int index, ObjectNode call, JsonNode record, Map<String, String> ids) {
      // Zero-padded, so of two records of one request written at the same instant the later wins.
      call.put("messageId", String.format(Locale.ROOT, "acctapi-%s-%06d", request, index));
      call.putObject("context").putObject("accountApi").put("method", method).put("path", path).put("record", index);
      Outcome outcome = normalizer.record(call, receivedAt);
      if (outcome instanceof Outcome.Accepted ok) {
        accepted.add(ok);
      } else {
        Rejection rejection = ((Outcome.Rejected) outcome).rejection();
        fail(index, rejection.reason(), rejection.field(), record, ids);
      }
    }

    void fail(int index, String message, String field, JsonNode record, Map<String, String> ids) {
      ObjectNode entry = failed.addObject();
      entry.put("message", message);
      ids.forEach(entry::put);
      entry.put("record", index);
      String shown = method + " " + path + " record " + index + ": " + message;
      rejected.add(new IngestBatch.RejectedItem(index,
          new Outcome.Rejected(null, Rejection.invalid(field, shown), String.valueOf(record))));
    }

    Reply commit() {
      appender.append(new IngestBatch(workspace.id(), receivedAt, accepted, rejected));
      boolean applied = awaitApplied(workspace.id(), deadline);
      ObjectNode body = json.createObjectNode();
      body.put("status_is_ok", true);
      body.set("failed_results", failed);
      String counts = accepted.size() + " record(s) written, " + failed.size() + " failed";
      body.put("message", applied ? counts : counts + "; processing is behind, so reads may show the old values for a while");
      return new Reply(200, body, accepted.size() + failed.size(), failed.size());
    }
  }
}
