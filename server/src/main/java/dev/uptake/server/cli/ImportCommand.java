package dev.uptake.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.archive.ArchiveImport;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uptake import}: Segment archive files into a running Uptake. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Send Segment archive files to a running Uptake (embedded or cluster) through its HTTP Tracking API.",
      "PATH is a file or a directory (walked recursively, in name order). A file holds one event per line (as"
          + " Segment's S3 and GCS archives do), a JSON array of events, or a batch object; a .gz file is read as gzip.",
      "Events of any age are accepted. A re-run skips the files the checkpoint (--state) records as sent, and the"
          + " server drops events it already has (by messageId, derived from the content when an event has none),"
          + " so nothing counts twice. A line that is not an event is reported as file:line: reason and counted.",
      "Progress goes to stderr; a JSON summary to stdout: files, events, accepted, duplicates, rejected, seconds."})
final class ImportCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
      description = "The Uptake server (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--write-key", paramLabel = "KEY", defaultValue = "${env:UPTAKE_WRITE_KEY}",
      description = "The workspace's write key (or UPTAKE_WRITE_KEY).")
  String writeKey;

  @Option(names = "--state", paramLabel = "FILE",
      description = "The checkpoint of the files sent (default: .uptake-import.json beside the first PATH).")
  Path state;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
      description = "Batches sent at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
      description = "Events per request at most (default: ${DEFAULT-VALUE}; requests also stay under 450 KB).")
  int batchSize;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Archive files or directories.")
  List<Path> paths;

  @Override
  public Integer call() throws InterruptedException {
    if (writeKey == null || writeKey.isBlank()) {
      throw new ParameterException(spec.commandLine(), "give the workspace's write key: --write-key KEY (or UPTAKE_WRITE_KEY)");
    }
    if (concurrency < 1 || batchSize < 1 || batchSize > 10_000) {
      throw new ParameterException(spec.commandLine(), "--concurrency must be 1 or more and --batch-size from 1 to 10000");
    }
    PrintWriter err = spec.commandLine().getErr();
    Path checkpoint = state != null ? state : defaultState(paths.get(0));
    long started = System.nanoTime();
    AtomicReference<ArchiveImport.Status> status =
        new AtomicReference<>(new ArchiveImport.Status(0, 0, 0, 0, 0));
    Progress[] progress = {null};
    ArchiveImport.Reporter reporter = new ArchiveImport.Reporter() {
      @Override
      public void refused(String line) {
        synchronized (err) {
          err.println(line);
          err.flush();
        }
      }

      @Override
      public void progress(ArchiveImport.Status now) {
        status.set(now);
        synchronized (err) {
          if (progress[0] == null) {
            progress[0] = new Progress(err, now.bytesTotal(), System.console() != null, (bytes, rate) -> {
              ArchiveImport.Status at = status.get();
              double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
              return String.format(Locale.ROOT, "%d of %d files, %,d events, %,.0f events/s", at.filesDone(), at.files(),
                  at.events(), at.events() / seconds);
            });
          }
          progress[0].accept(now.bytesRead());
        }
      }
    };
    ArchiveImport.Summary summary = new ArchiveImport(
        new ArchiveImport.Options(url, writeKey, checkpoint, concurrency, batchSize), JSON, reporter).run(paths);
    synchronized (err) {
      if (progress[0] != null) {
        progress[0].finish();
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("files", summary.files());
    out.put("skippedFiles", summary.skippedFiles());
    out.put("events", summary.events());
    out.put("accepted", summary.accepted());
    out.put("duplicates", summary.duplicates());
    out.put("rejected", summary.rejected());
    out.put("unreadable", summary.unreadable());
    out.put("seconds", Math.round(summary.seconds() * 10) / 10.0);
    out.put("state", checkpoint.toAbsolutePath().normalize().toString());
    try {
      spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command results are plain maps", e);
    }
    return 0;
  }

  /** Beside the first PATH: in it when it is a directory, next to it when it is a file. */
  static Path defaultState(Path first) {
    Path absolute = first.toAbsolutePath().normalize();
    return (Files.isDirectory(absolute) ? absolute : absolute.getParent()).resolve(".uptake-import.json");
  }
}
