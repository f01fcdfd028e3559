package dev.uptake.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One accepted event, normalized: the fields every stage needs as columns, the rest in {@code
 * payload}, the event's JSON as the sender sent it (batch context merged in, credentials removed,
 * a derived {@code messageId} filled in when the sender gave none).
 *
 * @param messageId identity within a workspace; a repeat is a duplicate
 * @param userId never blank (the contract requires it), except on an account record, which has no user
 * @param anonymousId Segment's session id, or null when the sender gave none
 * @param groupId the account named explicitly by the event ({@code groupId}), or null
 * @param name the track event's name (the feature), the page or screen name, {@link #RECORD} on a
 *     record written through the Account API, else null
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

  /**
   * The name an identify or group call carries when it is a record written through the Account
   * API: it changes the user or account like any identify or group call, but it is not activity.
   * (Segment gives identify and group calls no name, so no sender's call is mistaken for one.)
   */
  public static final String RECORD = "Account API record";

  /** The track event a native collector reports measured time in a module with ({@code time_spent}). */
  public static final String MODULE_END = "moduleEnd";

  /** The track event a native collector reports measured active time in a session with ({@code active_duration}). */
  public static final String SESSION_SYNC = "sessionSync";

  public Event {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty() && !(type == EventType.GROUP && RECORD.equals(name))) {
      throw new IllegalArgumentException("only an account record has no userId");
    }
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(payload, "payload");
  }

  /** True for a record written through the Account API: a user or account changed, nobody active. */
  public boolean isRecord() {
    return (type == EventType.IDENTIFY || type == EventType.GROUP) && RECORD.equals(name);
  }

  /** The key sessions are formed on: {@code anonymousId}, or {@code userId} without one. */
  public String sessionKey() {
    return anonymousId != null ? anonymousId : userId;
  }
}
