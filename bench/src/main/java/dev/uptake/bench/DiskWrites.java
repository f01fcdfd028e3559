package dev.uptake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes a process has caused to be written to storage ({@code write_bytes} of {@code /proc/PID/io}):
 * two readings a measurement apart give what each event costs the disk, the figure that shows an
 * embedded database rewriting whole pages for a few changed rows.
 */
record DiskWrites(long bytes) {

  static DiskWrites of(Process process) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "io"))) {
      if (line.startsWith("write_bytes:")) {
        return new DiskWrites(Long.parseLong(line.substring("write_bytes:".length()).strip()));
      }
    }
    throw new IOException("/proc/" + process.pid() + "/io has no write_bytes");
  }

  long since(DiskWrites before) {
    return bytes - before.bytes;
  }
}
