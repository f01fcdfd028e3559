/**
 * Importing Segment archives into a running Uptake: {@link dev.uptake.server.archive.ArchiveImport}
 * reads files ({@link dev.uptake.server.archive.ArchiveReader}), sends them in batches through the
 * HTTP Tracking API ({@link dev.uptake.server.archive.BatchSender}), and remembers the files done
 * ({@link dev.uptake.server.archive.Checkpoint}) so a re-run skips them.
 */
package dev.uptake.server.archive;
