package dev.uptake.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the event debugger.
 *
 * @param status {@code accepted}, {@code warning} (accepted, an optional field dropped), {@code
 *     rejected}, or {@code failed} (accepted, but processing failed on it and set it aside)
 * @param messageId null for a rejected item that had none
 * @param type null for a rejected item
 * @param eventTime null for a rejected item
 * @param index the item's position in its request (rejected items), else null
 * @param reasons why it was rejected or failed, or which fields were dropped
 * @param payload the event as stored, or the rejected item as received (cut to a few KB)
 */
public record DebugEntry(
    String status,
    String messageId,
    String type,
    Instant receivedAt,
    Instant eventTime,
    Integer index,
    List<Reason> reasons,
    String payload) {

  public DebugEntry {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(receivedAt, "receivedAt");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(payload, "payload");
  }

  /** A field and what was wrong with it. */
  public record Reason(String field, String reason) {}

  /** What the debugger can be filtered by. */
  public enum Filter {
    ALL,
    ACCEPTED,
    REJECTED,
    WARNING,
    FAILED;

    /** The statuses a request may name, as it names them. */
    public static final List<String> NAMES = List.of("accepted", "rejected", "warning", "failed");

    /** The filter a request's {@code status} names: ALL when blank, empty when it names none. */
    public static Optional<Filter> of(String status) {
      if (status == null || status.isBlank()) {
        return Optional.of(ALL);
      }
      String name = status.strip().toLowerCase(Locale.ROOT);
      return NAMES.contains(name) ? Optional.of(valueOf(name.toUpperCase(Locale.ROOT))) : Optional.empty();
    }
  }
}
