/**
 * The processing stage as one list of stages, the same in every runtime: the embedded processor
 * feeds it from the SQLite event log, a scale-out processor will feed it from a Kafka partition.
 */
package dev.uptake.core.pipeline;
