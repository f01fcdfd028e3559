package dev.uptake.store;

/**
 * One row of the event log as processing reads it: an event, or a row this version cannot read
 * (written by a newer version, or damaged), which processing sets aside instead of failing on.
 */
public sealed interface LogEntry permits LoggedEvent, UnreadableEvent {

  /** Its position in the log: processing order. */
  long seq();

  long workspaceId();

  String messageId();
}
