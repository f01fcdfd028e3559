package dev.uptake.store;

/** A log row that does not make an {@code Event}; {@code problem} says why. */
public record UnreadableEvent(long seq, long workspaceId, String messageId, String problem) implements LogEntry {}
