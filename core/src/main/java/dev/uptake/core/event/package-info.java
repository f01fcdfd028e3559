/**
 * The event model: one immutable {@link dev.uptake.core.event.Event} per accepted Segment call.
 *
 * <p>Every stage after ingest sees only this shape. Type-specific parts (traits, properties) stay
 * in the event's JSON payload and are read by the stage that needs them, so the model does not
 * grow a class per Segment call type.
 */
package dev.uptake.core.event;
