/**
 * The ingest stage of the pipeline, without I/O: request bodies become items ({@link
 * dev.uptake.core.ingest.BodyParser}), items become accepted events or explicit rejections
 * ({@link dev.uptake.core.ingest.Normalizer}).
 *
 * <p>Bad input is never an exception to the caller: it is a {@link
 * dev.uptake.core.ingest.Rejection} naming the field and the reason, or a {@link
 * dev.uptake.core.ingest.Warning} when only an optional field was dropped. All types here are
 * thread-safe.
 */
package dev.uptake.core.ingest;
