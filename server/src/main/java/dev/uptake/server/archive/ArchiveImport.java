package dev.uptake.server.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Sends archive files to a running Uptake: files in name order (a directory walked recursively),
 * their events in batches of at most {@link Options#batchEvents} events and {@link #MAX_BATCH_BYTES},
 * {@link Options#concurrency} batches at a time. An event without a messageId gets one derived from
 * its content, so a re-run (or a retried batch) never counts it twice. A file is recorded in the
 * checkpoint once every batch of it was acknowledged; a re-run skips it.
 */
public final class ArchiveImport {

  /** Below the server's 500 KB request limit, with room for the envelope. */
  static final int MAX_BATCH_BYTES = 450_000;

  /**
   * @param checkpoint the file that records the files done
   * @param batchEvents events per request at most
   */
  public record Options(URI server, String writeKey, Path checkpoint, int concurrency, int batchEvents) {}

  /**
   * What an import did.
   *
   * @param files files read in this run (those the checkpoint had are {@code skippedFiles})
   * @param events events read and sent
   * @param rejected events the server refused, and lines that were not events ({@code unreadable})
   */
  public record Summary(int files, int skippedFiles, long events, long accepted, long duplicates, long rejected,
      long unreadable, double seconds) {}

  /** Where an import is, for a progress display. */
  public record Status(int filesDone, int files, long events, long bytesRead, long bytesTotal) {}

  /** What an import tells as it goes: each refused line ({@code file:line: reason}), and its progress. */
  public interface Reporter {
    void refused(String fileAndLineAndReason);

    void progress(Status status);
  }

  private final Options options;
  private final ObjectMapper json;
  private final Reporter reporter;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicInteger filesDone = new AtomicInteger();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  public ArchiveImport(Options options, ObjectMapper json, Reporter reporter) {
    this.options = options;
    this.json = json;
    this.reporter = reporter;
  }

  /**
   * Imports the files under {@code paths}.
   *
   * @throws ImportFailedException when the server refused the key, or a batch failed every attempt
   *     (the summary so far is in the message's run; files not finished stay out of the checkpoint)
   */
  public Summary run(List<Path> paths) throws InterruptedException {
    long started = System.nanoTime();
    Checkpoint checkpoint = Checkpoint.open(options.checkpoint(), json);
    List<Path> all = files(paths, options.checkpoint());
    List<Path> todo = all.stream().filter(file -> !checkpoint.isDone(file)).toList();
    long bytesTotal = todo.stream().mapToLong(ArchiveImport::size).sum();
    BatchSender sender = new BatchSender(options.server(), options.writeKey(), json);
    ExecutorService senders = Executors.newFixedThreadPool(options.concurrency(), runnable -> {
      Thread thread = new Thread(runnable, "uptake-import-sender");
      thread.setDaemon(true);
      return thread;
    });
    Semaphore inFlight = new Semaphore(options.concurrency() * 2);
    ArchiveReader reader = new ArchiveReader(json);
    try {
      for (Path file : todo) {
        if (failure.get() != null) {
          break;
        }
        FileBatches batches = new FileBatches(file, checkpoint, sender, senders, inFlight);
        try {
          reader.read(file, bytesRead, batches);
        } catch (IOException e) {
          unreadable.incrementAndGet();
          reporter.refused(file + ": cannot be read: " + e.getMessage());
          continue;
        }
        batches.finish();
        reporter.progress(new Status(filesDone.get(), todo.size(), events.get(), bytesRead.get(), bytesTotal));
      }
    } finally {
      senders.shutdown();
      senders.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }
    reporter.progress(new Status(filesDone.get(), todo.size(), events.get(), bytesRead.get(), bytesTotal));
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Summary(todo.size(), all.size() - todo.size(), events.get(), accepted.get(), duplicates.get(),
        rejected.get() + unreadable.get(), unreadable.get(), (System.nanoTime() - started) / 1e9);
  }

  /** The files under {@code paths}: each file as given, each directory walked in name order; hidden files and the checkpoint left out. */
  static List<Path> files(List<Path> paths, Path checkpoint) {
    List<Path> files = new ArrayList<>();
    Path skip = checkpoint.toAbsolutePath().normalize();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("."))
              .filter(file -> !file.toAbsolutePath().normalize().equals(skip))
              .filter(file -> !file.toAbsolutePath().normalize().toString().equals(skip + ".tmp"))
              .sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot walk " + path + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(path)) {
        files.add(path);
      } else {
        throw new ImportFailedException(path + " is neither a file nor a directory");
      }
    }
    return files;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** One file's events gathered into batches and sent; the file is done when all of them are acknowledged. */
  private final class FileBatches implements ArchiveReader.Sink {
    private final Path file;
    private final Checkpoint checkpoint;
    private final BatchSender sender;
    private final ExecutorService senders;
    private final Semaphore inFlight;
    private final AtomicInteger pending = new AtomicInteger(1); // the reading itself, until finish()
    private ByteArrayOutputStream body = new ByteArrayOutputStream();
    private List<Long> lines = new ArrayList<>();

    FileBatches(Path file, Checkpoint checkpoint, BatchSender sender, ExecutorService senders, Semaphore inFlight) {
      this.file = file;
      this.checkpoint = checkpoint;
      this.sender = sender;
      this.senders = senders;
      this.inFlight = inFlight;
    }

    @Override
    public void event(ObjectNode event, long line) throws InterruptedException {
      byte[] bytes = withMessageId(event);
      if (!lines.isEmpty() && (lines.size() >= options.batchEvents() || body.size() + bytes.length + 16 > MAX_BATCH_BYTES)) {
        send();
      }
      body.write(lines.isEmpty() ? '[' : ',');
      body.writeBytes(bytes);
      lines.add(line);
      events.incrementAndGet();
    }

    @Override
    public void unreadable(long line, String reason) {
      unreadable.incrementAndGet();
      reporter.refused(file + ":" + line + ": " + reason);
    }

    void finish() throws InterruptedException {
      if (!lines.isEmpty()) {
        send();
      }
      settled();
    }

    private void send() throws InterruptedException {
      byte[] batch = ("{\"batch\":" + body.toString(StandardCharsets.UTF_8) + "]}").getBytes(StandardCharsets.UTF_8);
      List<Long> batchLines = lines;
      body = new ByteArrayOutputStream();
      lines = new ArrayList<>();
      if (failure.get() != null) {
        return;
      }
      inFlight.acquire();
      pending.incrementAndGet();
      senders.execute(() -> {
        try {
          BatchSender.Receipt receipt = sender.send(batch);
          accepted.addAndGet(receipt.accepted());
          duplicates.addAndGet(receipt.duplicates());
          rejected.addAndGet(receipt.refused().size());
          receipt.refused().forEach(refused -> reporter.refused(file + ":" + batchLines.get(refused.index()) + ": "
              + refused.reason()));
          settled();
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlight.release();
        }
      });
    }

    /** One part of the file (its reading, or a batch) is acknowledged; the last one records the file as done. */
    private void settled() {
      if (pending.decrementAndGet() == 0 && failure.get() == null) {
        checkpoint.markDone(file);
        filesDone.incrementAndGet();
      }
    }

    /** The event's JSON, given a messageId derived from its content when it has none. */
    private byte[] withMessageId(ObjectNode event) {
      try {
        if (!event.path("messageId").isTextual() || event.path("messageId").asText().isBlank()) {
          byte[] content = json.writeValueAsBytes(event);
          event.put("messageId", "import-" + HexFormat.of().formatHex(sha256(content), 0, 16));
        }
        return json.writeValueAsBytes(event);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a parsed event writes back as JSON", e);
      }
    }
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
