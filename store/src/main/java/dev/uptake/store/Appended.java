package dev.uptake.store;

/**
 * The receipt of an {@link EventLog#append}: its batch is committed. The only thing that allows
 * an ingest handler to acknowledge events.
 *
 * @param stored events new to the workspace, now in the log
 * @param duplicates events whose messageId the workspace already had; stored once, not again
 */
public record Appended(int stored, int duplicates) {}
