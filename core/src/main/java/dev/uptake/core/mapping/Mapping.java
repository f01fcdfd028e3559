package dev.uptake.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.core.ingest.Limits;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a workspace's events keep what processing reads of them: each target is an ordered list of
 * dot paths into the event ({@code properties.module}); the first present, non-empty text (a
 * number as its text) wins. {@link #DEFAULT} is the integration contract's mapping, which ingest
 * already applied; another mapping is applied by processing ({@link Remapper}).
 *
 * @param module the module of any call; a page or screen call reads {@code pagesModule} first
 * @param feature the feature a track call uses
 * @param account the account an event names explicitly (a group call's own {@code groupId} always)
 * @param sessionKey the key sessions are formed on; {@code userId} when none is present
 * @param pagesFeature the feature a page or screen view counts as a use of; none: pages are no feature
 * @param pagesModule the module of a page or screen call, before {@code module}
 * @param exclude event names (a track's {@code event}, a page's {@code name}) that are stored but are nobody's activity
 * @param rename feature name → the name it is counted under
 */
public record Mapping(
    List<String> module,
    List<String> feature,
    List<String> account,
    List<String> sessionKey,
    List<String> pagesFeature,
    List<String> pagesModule,
    Set<String> exclude,
    Map<String, String> rename) {

  public static final Mapping DEFAULT = new Mapping(
      List.of("properties.module"), List.of("event"), List.of("groupId", "context.groupId", "properties.groupId"),
      List.of("anonymousId", "userId"), List.of(), List.of(), Set.of(), Map.of());

  public Mapping {
    module = List.copyOf(module);
    feature = List.copyOf(feature);
    account = List.copyOf(account);
    sessionKey = List.copyOf(sessionKey);
    pagesFeature = List.copyOf(pagesFeature);
    pagesModule = List.copyOf(pagesModule);
    exclude = Set.copyOf(exclude);
    rename = Map.copyOf(rename);
  }

  public boolean isDefault() {
    return this == DEFAULT || equals(DEFAULT); // asked for every event: the common case costs one comparison
  }

  /**
   * What the mapping reads of one event (its JSON as stored).
   *
   * @param excluded the event is stored but is nobody's activity
   * @param feature the feature it uses (renamed), or null
   * @param sessionKey never null: {@code userId} when no path is present
   */
  public record Reading(String module, String feature, String account, String sessionKey, boolean excluded) {}

  /**
   * The event as processing sees it under this mapping, or null when the mapping excludes it. A
   * page or screen view that counts as a feature is seen as a track call of that feature. Records
   * written through the Account API, and the native collector's measured-time events ({@code
   * moduleEnd}, {@code sessionSync}), keep their meaning whatever the mapping.
   */
  public Event apply(Event event, ObjectMapper json) {
    if (isDefault() || event.isRecord()) {
      return event;
    }
    JsonNode payload;
    try {
      payload = json.readTree(event.payload());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored payloads are JSON written by ingest", e);
    }
    Reading reading = read(payload, event.type());
    if (reading.excluded()) {
      return null;
    }
    boolean measured = event.type() == EventType.TRACK
        && (Event.MODULE_END.equals(event.name()) || Event.SESSION_SYNC.equals(event.name()));
    EventType type = reading.feature() != null && !measured ? EventType.TRACK : event.type();
    String name = measured ? event.name() : reading.feature();
    return new Event(event.messageId(), type, event.userId(), reading.sessionKey(), reading.account(), name, reading.module(), event.eventTime(),
        event.receivedAt(), event.payload());
  }

  /** Reads {@code event} of call {@code type} under this mapping. */
  public Reading read(JsonNode event, EventType type) {
    boolean page = type == EventType.PAGE || type == EventType.SCREEN;
    String sent = type == EventType.TRACK ? text(event.get("event")) : page ? text(event.get("name")) : null;
    String feature = type == EventType.TRACK ? first(event, this.feature) : page ? first(event, pagesFeature) : null;
    String module = page && !pagesModule.isEmpty() ? first(event, pagesModule) : null;
    if (module == null) {
      module = first(event, this.module);
    }
    String account = type == EventType.GROUP ? text(event.get("groupId")) : first(event, this.account);
    String key = first(event, sessionKey);
    boolean excluded = sent != null && exclude.contains(sent) || feature != null && exclude.contains(feature);
    return new Reading(module, feature == null ? null : rename.getOrDefault(feature, feature), account,
        key != null ? key : Objects.requireNonNullElse(text(event.get("userId")), ""), excluded);
  }

  /**
   * The first of {@code paths} present in {@code event} as non-empty text (or a number, as its
   * text) that Uptake can store as an id: no NUL, at most {@link Limits#MAX_ID_CHARS}.
   */
  static String first(JsonNode event, List<String> paths) {
    for (String path : paths) {
      JsonNode node = event;
      for (String part : path.split("\\.")) {
        node = node == null || !node.isObject() ? null : node.get(part);
      }
      String text = text(node);
      if (text != null) {
        return text;
      }
    }
    return null;
  }

  private static String text(JsonNode node) {
    if (node == null) {
      return null;
    }
    String text = node.isTextual() ? node.textValue() : node.isNumber() ? node.asText() : null;
    boolean storable = text != null && !text.isBlank() && text.length() <= Limits.MAX_ID_CHARS && text.indexOf('\u0000') < 0;
    return storable ? text : null;
  }
}
