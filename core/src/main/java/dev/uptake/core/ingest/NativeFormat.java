package dev.uptake.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.event.EventType;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The native Event API's own event shape, mapped onto a Segment track call. Native events name
 * their account, user and session in snake_case ({@code account_id}, {@code user_id}, {@code
 * session_id}, {@code created_at} in epoch milliseconds) or camelCase, and their feature in {@code
 * feature} (or {@code action}); {@code module} and every other field become properties, so
 * measured times such as {@code time_spent} and {@code active_duration} are kept.
 */
final class NativeFormat {

  /** Native field → Segment field, for both spellings. */
  private static final Map<String, String> TOP_LEVEL =
      Map.of(
          "user_id", "userId",
          "userId", "userId",
          "account_id", "groupId",
          "accountId", "groupId",
          "session_id", "anonymousId",
          "sessionId", "anonymousId",
          "message_id", "messageId",
          "messageId", "messageId");

  private static final Set<String> TIME_FIELDS = Set.of("created_at", "createdAt");

  private static final Set<String> MARKERS =
      Set.of(
          "account_id", "accountId", "user_id", "session_id", "sessionId", "created_at",
          "createdAt", "feature", "action");

  private NativeFormat() {}

  /** True for an event in the native shape: no Segment {@code type}, and a native field. */
  static boolean isNative(ObjectNode event) {
    JsonNode type = event.get("type");
    if (type != null && type.isTextual() && EventType.fromWire(type.textValue()).isPresent()) {
      return false;
    }
    for (String marker : MARKERS) {
      if (event.has(marker)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Segment call the native event means: {@code identifyUser} an identify call with the
   * {@code details} as traits, {@code identifyAccount} a group call likewise, any other action a
   * track call.
   */
  static ObjectNode toSegment(ObjectNode nativeEvent) {
    JsonNode action = nativeEvent.get("action");
    if (action != null && action.isTextual()) {
      if (action.textValue().equals(IDENTIFY_USER)) {
        return identify(nativeEvent, EventType.IDENTIFY);
      }
      if (action.textValue().equals(IDENTIFY_ACCOUNT)) {
        return identify(nativeEvent, EventType.GROUP);
      }
    }
    return track(nativeEvent);
  }

  static final String IDENTIFY_USER = "identifyUser";
  static final String IDENTIFY_ACCOUNT = "identifyAccount";

  /**
   * An identify (or group) call: the event's user, session and time; the account from {@code
   * details.account_id}, else the event's {@code account_id}; the traits from {@code details} by
   * the Account API's field names ({@link AccountApiFields}).
   */
  private static ObjectNode identify(ObjectNode nativeEvent, EventType type) {
    ObjectNode call = nativeEvent.objectNode();
    call.put("type", type.wireName());
    for (Map.Entry<String, JsonNode> field : nativeEvent.properties()) {
      String name = field.getKey();
      if (TOP_LEVEL.containsKey(name)) {
        call.set(TOP_LEVEL.get(name), field.getValue());
      } else if (TIME_FIELDS.contains(name)) {
        call.put("originalTimestamp", isoTime(name, field.getValue()));
      } else if (name.equals("context") || name.equals("integrations")) {
        call.set(name, field.getValue());
      }
    }
    JsonNode details = nativeEvent.get("details");
    if (!call.hasNonNull("userId") && details != null && details.hasNonNull("user_id")) {
      call.set("userId", details.get("user_id"));
    }
    JsonNode account = details != null && details.isObject() && details.hasNonNull("account_id")
        ? details.get("account_id") : call.get("groupId");
    if (account != null && !account.isNull()) {
      call.set("groupId", account);
    } else if (type == EventType.GROUP) {
      throw InvalidEvent.of("details.account_id", "identifyAccount names its account: details.account_id (or account_id)");
    }
    ObjectNode traits;
    try {
      traits = AccountApiFields.traits(details, "details");
    } catch (AccountApiFields.InvalidField e) {
      throw InvalidEvent.of(e.field(), e.getMessage() + ": " + e.detail());
    }
    traits.remove("account_id");
    traits.remove("user_id");
    call.set("traits", traits);
    return call;
  }

  /** The Segment track call a feature (or any other) action means. */
  private static ObjectNode track(ObjectNode nativeEvent) {
    ObjectNode track = nativeEvent.objectNode();
    ObjectNode properties = track.objectNode();
    track.put("type", EventType.TRACK.wireName());
    for (Map.Entry<String, JsonNode> field : nativeEvent.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (TOP_LEVEL.containsKey(name)) {
        track.set(TOP_LEVEL.get(name), value);
      } else if (TIME_FIELDS.contains(name)) {
        track.put("originalTimestamp", isoTime(name, value));
      } else if (name.equals("context") || name.equals("integrations")) {
        track.set(name, value);
      } else if (!name.equals("type")) {
        properties.set(name, value);
      }
    }
    track.set("event", featureName(nativeEvent));
    track.set("properties", properties);
    if (nativeEvent.has("total")) {
      track.put("uses", total(nativeEvent.get("total")));
    }
    return track;
  }

  private static JsonNode featureName(ObjectNode nativeEvent) {
    for (String name : new String[] {"feature", "action", "type"}) {
      JsonNode value = nativeEvent.get(name);
      if (value != null && value.isTextual() && !value.textValue().isBlank()) {
        return value;
      }
    }
    throw InvalidEvent.of("feature", "feature (or action) is required: the name of the feature used");
  }

  static final int MAX_TOTAL = 1_000_000;

  /** A feature event's count of uses: a whole number from 1 to {@link #MAX_TOTAL}. */
  private static int total(JsonNode value) {
    long total = value.isIntegralNumber() && value.canConvertToLong() ? value.longValue()
        : value.isTextual() && value.textValue().strip().matches("\\d{1,9}") ? Long.parseLong(value.textValue().strip()) : -1;
    if (total < 1 || total > MAX_TOTAL) {
      throw InvalidEvent.of("total", "total is how many times the feature was used: a whole number from 1 to "
          + MAX_TOTAL + "; was " + JsonFields.shown(value));
    }
    return (int) total;
  }

  private static String isoTime(String field, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return epochMillis(field, value.longValue());
    }
    if (value.isTextual()) {
      String text = value.textValue().strip();
      if (text.matches("-?\\d{1,18}")) {
        return epochMillis(field, Long.parseLong(text));
      }
      if (EventTimes.parse(text).isPresent()) {
        return text;
      }
    }
    throw InvalidEvent.of(field, field + " must be epoch milliseconds or an ISO-8601 time; was " + JsonFields.shown(value));
  }

  private static String epochMillis(String field, long millis) {
    if (millis < 0) {
      throw InvalidEvent.of(field, field + " " + millis + " is before 1970; it must be epoch milliseconds");
    }
    return Instant.ofEpochMilli(millis).toString();
  }
}
