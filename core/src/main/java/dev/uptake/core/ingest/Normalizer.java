package dev.uptake.core.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns one received item into an accepted {@link Event} or an explicit {@link Rejection}: maps
 * the native format onto Segment's, checks the contract's required base properties and each
 * type's own, derives a messageId when there is none, and takes the event time from {@code
 * originalTimestamp}, else {@code timestamp}.
 *
 * <p>Thread-safe. It takes ownership of the item it is given: the item's tree is edited in place.
 */
public final class Normalizer {

  /** An event more than this far in the future of its receipt is refused. */
  static final Duration MAX_FUTURE = Duration.ofHours(24);

  /**
   * An event before this is refused: no product usage predates it, and keeping every time within
   * 1970 … receipt + 24 h means no sum or difference of event times can overflow downstream.
   */
  static final Instant EARLIEST = Instant.EPOCH;

  private static final int DEBUG_PAYLOAD_CHARS = 4096;

  private final ObjectMapper json;

  public Normalizer(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * @param impliedType the type the endpoint stands for ({@code /v1/track} → track), or null
   */
  public Outcome normalize(JsonNode item, Instant receivedAt, EventType impliedType) {
    if (!(item instanceof ObjectNode object)) {
      return new Outcome.Rejected(
          null,
          Rejection.invalid("event", "each event must be a JSON object; was " + JsonFields.describe(item)),
          cut(item.toString()));
    }
    object.remove("writeKey"); // a credential: never stored, never shown in the debugger
    String sendersMessageId = sendersMessageId(object);
    try {
      ObjectNode event = NativeFormat.isNative(object) ? NativeFormat.toSegment(object) : object;
      return accept(event, receivedAt, impliedType);
    } catch (InvalidEvent e) {
      return new Outcome.Rejected(sendersMessageId, e.rejection, cut(object.toString()));
    }
  }

  /**
   * A record written through the Account API, as the call it means: a group call for an account
   * (no user), an identify call for a user (with its account in {@code groupId}). Written at its
   * receipt, so records and calls change fields in the order Uptake received them; marked {@link
   * Event#RECORD}, so it is not activity.
   *
   * @param call {@code type}, {@code messageId}, {@code groupId} (an identify's may be absent: the user's
   *     account stays as it is), {@code userId} (identify) and {@code traits}
   */
  public Outcome record(ObjectNode call, Instant receivedAt) {
    try {
      EventType type = type(call, null);
      if (type != EventType.IDENTIFY && type != EventType.GROUP) {
        throw new IllegalArgumentException("a record is an identify or group call; was " + type);
      }
      call.put("originalTimestamp", receivedAt.toString());
      String messageId = JsonFields.requiredId(call, "messageId", "the record's id");
      String groupId = type == EventType.GROUP ? JsonFields.requiredId(call, "groupId", "the id of the account")
          : JsonFields.optionalId(call, "groupId");
      String userId = type == EventType.GROUP ? "" : JsonFields.requiredId(call, "userId", "the id of the user");
      return new Outcome.Accepted(
          new Event(messageId, type, userId, null, groupId, Event.RECORD, null, receivedAt, receivedAt, payload(call)),
          List.of());
    } catch (InvalidEvent e) {
      return new Outcome.Rejected(sendersMessageId(call), e.rejection, cut(call.toString()));
    }
  }

  private Outcome accept(ObjectNode event, Instant receivedAt, EventType impliedType) {
    EventType type = type(event, impliedType);
    String messageId = JsonFields.optionalId(event, "messageId");
    if (messageId == null) {
      messageId = MessageIds.derive(event);
      event.put("messageId", messageId);
    }
    String userId =
        JsonFields.requiredId(event, "userId", "the id of the user who acted in your product");
    String anonymousId = JsonFields.optionalId(event, "anonymousId");
    Instant eventTime = eventTime(event, receivedAt);
    List<Warning> warnings = new ArrayList<>();
    String groupId = groupId(event, type, warnings);
    String name = name(event, type);
    String module = module(event, warnings);
    String payload = payload(event);
    return new Outcome.Accepted(
        new Event(
            messageId, type, userId, anonymousId, groupId, name, module, eventTime, receivedAt,
            payload),
        warnings);
  }

  private static EventType type(ObjectNode event, EventType impliedType) {
    JsonNode node = event.get("type");
    if ((node == null || node.isNull()) && impliedType != null) {
      event.put("type", impliedType.wireName());
      return impliedType;
    }
    String wire =
        JsonFields.requiredText(event, "type", "the Segment call, one of " + EventType.WIRE_NAMES);
    EventType type =
        EventType.fromWire(wire)
            .orElseThrow(
                () ->
                    InvalidEvent.of(
                        "type",
                        "type must be one of "
                            + EventType.WIRE_NAMES
                            + "; was "
                            + JsonFields.shown(node)));
    if (impliedType != null && type != impliedType) {
      throw InvalidEvent.of(
          "type",
          "type is '" + wire + "' but this endpoint takes " + impliedType.wireName() + " calls");
    }
    return type;
  }

  private static Instant eventTime(ObjectNode event, Instant receivedAt) {
    boolean original = event.hasNonNull("originalTimestamp") || !event.hasNonNull("timestamp");
    String field = original ? "originalTimestamp" : "timestamp";
    String text =
        JsonFields.requiredText(
            event,
            field,
            "when the event occurred, as ISO-8601 such as 2024-05-01T10:00:00Z"
                + " (timestamp is read when originalTimestamp is absent)");
    Instant time =
        EventTimes.parse(text)
            .orElseThrow(
                () ->
                    InvalidEvent.of(
                        field,
                        field
                            + " must be an ISO-8601 date-time with a time zone offset, such as"
                            + " 2024-05-01T10:00:00Z; was "
                            + JsonFields.shown(event.get(field))));
    if (time.isBefore(EARLIEST)) {
      throw InvalidEvent.of(
          field, field + " " + text + " is before " + EARLIEST + "; check how the sender writes times");
    }
    if (time.isAfter(receivedAt.plus(MAX_FUTURE))) {
      throw InvalidEvent.of(
          field,
          field + " " + text + " is more than 24 hours after the event was received ("
              + receivedAt + "); check the sender's clock");
    }
    return time;
  }

  /** The account the event names: {@code groupId}, else {@code context.groupId}, else {@code properties.groupId}. */
  private static String groupId(ObjectNode event, EventType type, List<Warning> warnings) {
    if (type == EventType.GROUP) {
      return JsonFields.requiredId(event, "groupId", "the id of the account the group call describes");
    }
    String groupId = optionalGroupId(event, "groupId", "groupId", warnings);
    for (String holder : new String[] {"context", "properties"}) {
      if (groupId == null && event.get(holder) instanceof ObjectNode nested) {
        groupId = optionalGroupId(nested, "groupId", holder + ".groupId", warnings);
      }
    }
    return groupId;
  }

  private static String optionalGroupId(ObjectNode holder, String name, String path, List<Warning> warnings) {
    try {
      return JsonFields.optionalId(holder, name);
    } catch (InvalidEvent e) {
      holder.remove(name);
      warnings.add(new Warning(path, path + e.rejection.reason().substring(name.length()) + "; the field was ignored"));
      return null;
    }
  }

  private static String name(ObjectNode event, EventType type) {
    return switch (type) {
      case TRACK -> JsonFields.requiredText(event, "event", "the name of the feature used");
      case PAGE, SCREEN -> event.path("name").isTextual() ? JsonFields.storable("name", event.get("name").textValue()) : null;
      case ALIAS -> {
        JsonFields.requiredId(event, "previousId", "the id the user had before");
        yield null;
      }
      case IDENTIFY, GROUP -> null;
    };
  }

  private static String module(ObjectNode event, List<Warning> warnings) {
    JsonNode properties = event.get("properties");
    if (properties == null || properties.isNull()) {
      return null;
    }
    if (!(properties instanceof ObjectNode props)) {
      event.remove("properties");
      warnings.add(
          new Warning(
              "properties",
              "properties must be an object; was " + JsonFields.describe(properties)
                  + "; the field was ignored"));
      return null;
    }
    JsonNode module = props.get("module");
    if (module == null || module.isNull()) {
      return null;
    }
    if (!module.isTextual() || module.textValue().isBlank() || module.textValue().indexOf('\u0000') >= 0) {
      props.remove("module");
      warnings.add(
          new Warning(
              "properties.module",
              "properties.module must be a non-empty string without NUL characters; was " + JsonFields.shown(module)
                  + "; the field was ignored"));
      return null;
    }
    return module.textValue();
  }

  private String payload(ObjectNode event) {
    String payload;
    try {
      payload = json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
    // Cheap bound first: a string of n chars has at most 3n UTF-8 bytes.
    if (payload.length() * 3 > Limits.MAX_EVENT_BYTES) {
      int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > Limits.MAX_EVENT_BYTES) {
        throw new InvalidEvent(
            new Rejection(
                "event",
                "the event is " + bytes + " bytes; the limit is " + Limits.MAX_EVENT_BYTES
                    + " bytes (32 KB)",
                true));
      }
    }
    return payload;
  }

  private static String sendersMessageId(ObjectNode item) {
    JsonNode id = item.has("messageId") ? item.get("messageId") : item.get("message_id");
    return id != null && id.isTextual() ? JsonFields.printable(id.textValue()) : null;
  }

  private static String cut(String text) {
    return text.length() <= DEBUG_PAYLOAD_CHARS ? text : text.substring(0, DEBUG_PAYLOAD_CHARS) + "…";
  }
}
