package dev.uptake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes a process's threads have caused to be written to storage, by kind of thread ({@code
 * write_bytes} of {@code /proc/PID/task/TID/io}): two readings a measurement apart give what each
 * event costs the disk and which part of the server writes it, the figure that shows an embedded
 * database rewriting whole pages for a few changed rows.
 */
record DiskWrites(Map<String, Long> bytes) {

  /** A reading of process {@code pid}: a server's, or this JVM's ({@code ProcessHandle.current().pid()}). */
  static DiskWrites of(long pid) throws IOException {
    Map<String, Long> bytes = new TreeMap<>();
    ThreadCpu.eachThread(pid, (kind, thread) -> {
      for (String line : Files.readAllLines(thread.resolve("io"))) {
        if (line.startsWith("write_bytes:")) {
          bytes.merge(kind, Long.parseLong(line.substring("write_bytes:".length()).strip()), Long::sum);
        }
      }
    });
    return new DiskWrites(bytes);
  }

  /** Bytes written by each kind of thread per event, {@code events} of them since {@code before}. */
  Map<String, Long> perEventSince(DiskWrites before, long events) {
    Map<String, Long> perEvent = new TreeMap<>();
    bytes.forEach((kind, now) -> {
      long written = now - before.bytes.getOrDefault(kind, 0L);
      if (written > 0) {
        perEvent.put(kind, written / Math.max(1, events));
      }
    });
    return perEvent;
  }
}
