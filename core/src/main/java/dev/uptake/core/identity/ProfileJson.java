package dev.uptake.core.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Users and accounts as the JSON a store keeps them in, stamps included, so a state read back
 * merges exactly as the one written. Thread-safe.
 */
public final class ProfileJson {

  private final ObjectMapper json;

  public ProfileJson(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Empty parts are left out (read back as empty): most users carry only a link and activity, and
   * every byte of their row is rewritten whenever they send an event.
   */
  public String write(UserState user) {
    ObjectNode root = json.createObjectNode();
    putFields(root, "fields", user.fields());
    putFields(root, "traits", user.traits());
    putFields(root, "dimensions", user.dimensions());
    if (user.link() != null) {
      root.set("link", stamped(user.link()));
    }
    putActivity(root, "activity", user.activity());
    putActivity(root, "unattributed", user.unattributedActivity());
    return root.toString();
  }

  public String write(AccountState account) {
    ObjectNode root = json.createObjectNode();
    putFields(root, "fields", account.fields());
    putFields(root, "traits", account.traits());
    putFields(root, "dimensions", account.dimensions());
    putActivity(root, "activity", account.activity());
    return root.toString();
  }

  public UserState readUser(String userId, String text) {
    JsonNode root = parse(text);
    JsonNode link = root.get("link");
    return new UserState(
        userId, fields(root.get("fields")), fields(root.get("traits")), fields(root.get("dimensions")),
        link == null ? null : stamped(link), activity(root.get("activity")), activity(root.get("unattributed")));
  }

  public AccountState readAccount(String accountId, String text) {
    JsonNode root = parse(text);
    return new AccountState(
        accountId, fields(root.get("fields")), fields(root.get("traits")), fields(root.get("dimensions")),
        activity(root.get("activity")));
  }

  private void putFields(ObjectNode root, String name, Fields fields) {
    if (!fields.values().isEmpty()) {
      ObjectNode node = root.putObject(name);
      fields.values().forEach((field, value) -> node.set(field, stamped(value)));
    }
  }

  private ObjectNode stamped(Stamped value) {
    ObjectNode node = json.createObjectNode();
    node.set("v", value.value());
    node.put("t", value.stamp().eventTimeMillis());
    node.put("m", value.stamp().messageId());
    return node;
  }

  private static void putActivity(ObjectNode root, String name, Activity activity) {
    if (activity.first() != null) {
      ObjectNode node = root.putObject(name);
      node.put("first", activity.first().toEpochMilli());
      node.put("last", activity.last().toEpochMilli());
    }
  }

  private static Fields fields(JsonNode node) {
    Map<String, Stamped> values = new HashMap<>();
    if (node != null) {
      node.properties().forEach(field -> values.put(field.getKey(), stamped(field.getValue())));
    }
    return new Fields(values);
  }

  private static Stamped stamped(JsonNode node) {
    return new Stamped(node.get("v"), new Stamp(node.get("t").longValue(), node.get("m").textValue()));
  }

  private static Activity activity(JsonNode node) {
    if (node == null || !node.has("first")) {
      return Activity.NONE;
    }
    return new Activity(Instant.ofEpochMilli(node.get("first").longValue()), Instant.ofEpochMilli(node.get("last").longValue()));
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored profiles are JSON written by ProfileJson", e);
    }
  }
}
