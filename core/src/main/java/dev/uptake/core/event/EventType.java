package dev.uptake.core.event;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Segment call types Uptake accepts. Every type counts as activity for sessions. */
public enum EventType {
  TRACK("track"),
  IDENTIFY("identify"),
  GROUP("group"),
  PAGE("page"),
  SCREEN("screen"),
  ALIAS("alias");

  /** The accepted wire names, for error messages: {@code track, identify, …}. */
  public static final String WIRE_NAMES =
      Arrays.stream(values()).map(EventType::wireName).collect(Collectors.joining(", "));

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name Segment uses in the {@code type} field. */
  public String wireName() {
    return wireName;
  }

  /** The type named {@code wireName} exactly (Segment's names are lower case), if any. */
  public static Optional<EventType> fromWire(String wireName) {
    for (EventType type : values()) {
      if (type.wireName.equals(wireName)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
