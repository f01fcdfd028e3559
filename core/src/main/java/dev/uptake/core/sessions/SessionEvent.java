package dev.uptake.core.sessions;

import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import java.util.Comparator;
import java.util.Objects;

/**
 * What sessions need of an event: a few fields, kept with the session so that a late event can
 * re-form the sessions around it without reading the event log again.
 *
 * @param accountKey the account the event names itself, or "" when it counts for its user's link
 * @param module the module the event names, or null (it then leaves the current module as is)
 * @param feature the track event's name, or null for other calls
 * @param timeSpentMillis a {@code moduleEnd} event's measured time in its module, or null
 * @param activeDurationMillis a {@code sessionSync} event's measured active time so far, or null
 * @param uses how many uses of its feature the event counts: 1, or a native {@code feature}
 *     event's {@code total}
 */
public record SessionEvent(
    long timeMillis,
    String messageId,
    String userId,
    String accountKey,
    String module,
    String feature,
    Long timeSpentMillis,
    Long activeDurationMillis,
    int uses) {

  /** Event time, then messageId: the order of DESIGN.md. */
  public static final Comparator<SessionEvent> ORDER =
      Comparator.comparingLong(SessionEvent::timeMillis).thenComparing(SessionEvent::messageId);

  public SessionEvent {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(accountKey, "accountKey");
    if (uses < 1) {
      throw new IllegalArgumentException("an event counts at least one use; was " + uses);
    }
  }

  /** An event that counts one use. */
  public SessionEvent(long timeMillis, String messageId, String userId, String accountKey, String module, String feature,
      Long timeSpentMillis, Long activeDurationMillis) {
    this(timeMillis, messageId, userId, accountKey, module, feature, timeSpentMillis, activeDurationMillis, 1);
  }

  /**
   * The session fields of an event; {@code measured} holds the native format's measured times. Its
   * user, account, module and feature are {@code strings}' instances: they stay in memory with the
   * session, and repeat from event to event.
   */
  static SessionEvent of(Event event, Measured measured, StringPool strings) {
    return new SessionEvent(
        event.eventTime().toEpochMilli(),
        event.messageId(),
        strings.of(event.userId()),
        event.groupId() == null ? "" : strings.of(event.groupId()),
        strings.of(event.module()),
        event.type() == EventType.TRACK ? strings.of(event.name()) : null,
        measured.timeSpentMillis(),
        measured.activeDurationMillis(),
        measured.uses());
  }

  /**
   * What a native collector reported with an event: measured times in milliseconds, when it did,
   * and the uses a {@code feature} event counts.
   */
  public record Measured(Long timeSpentMillis, Long activeDurationMillis, int uses) {
    public static final Measured NONE = new Measured(null, null, 1);
  }
}
