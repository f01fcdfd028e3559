package dev.uptake.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One accepted event, normalized: the fields every stage needs as columns, the rest in {@code
 * payload}, the event's JSON as the sender sent it (batch context merged in, credentials removed,
 * a derived {@code messageId} filled in when the sender gave none).
 *
 * @param messageId identity within a workspace; a repeat is a duplicate
 * @param userId never blank (the contract requires it)
 * @param anonymousId Segment's session id, or null when the sender gave none
 * @param groupId the account named explicitly by the event ({@code groupId}), or null
 * @param name the track event's name (the feature), the page or screen name, else null
 * @param module {@code properties.module}, or null
 * @param eventTime {@code originalTimestamp}, else {@code timestamp}
 * @param receivedAt when Uptake received it
 */
public record Event(
    String messageId,
    EventType type,
    String userId,
    String anonymousId,
    String groupId,
    String name,
    String module,
    Instant eventTime,
    Instant receivedAt,
    String payload) {

  public Event {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(payload, "payload");
  }

  /** The key sessions are formed on: {@code anonymousId}, or {@code userId} without one. */
  public String sessionKey() {
    return anonymousId != null ? anonymousId : userId;
  }
}
