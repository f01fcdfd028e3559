/**
 * The embedded runtime's processor: a thread that feeds the event log to the core {@link
 * dev.uptake.core.pipeline.Pipeline} in seq order and commits each batch with the cursor.
 */
package dev.uptake.server.processing;
