package dev.uptake.server.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Reads one archive file into events, each with the line it started on: NDJSON (one Segment event
 * per line, as Segment's S3 and GCS archives store them), a JSON array of events, or a batch object
 * ({@code {"batch": [...]}}); a name ending in {@code .gz} is read as gzip. A line that is not an
 * event is reported with its number and the reading goes on; in an array or a batch object, a
 * syntax error ends the file, since nothing after it can be found again.
 */
final class ArchiveReader {

  /** Where the events of a file go. */
  interface Sink {
    void event(ObjectNode event, long line) throws InterruptedException;

    void unreadable(long line, String reason);
  }

  private final ObjectMapper json;

  ArchiveReader(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Reads {@code file} into {@code sink}; {@code bytesRead} grows with the file's bytes consumed
   * (compressed bytes for gzip), for progress.
   */
  void read(Path file, AtomicLong bytesRead, Sink sink) throws IOException, InterruptedException {
    try (InputStream raw = new Counting(Files.newInputStream(file), bytesRead);
        InputStream in = new BufferedInputStream(file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 65_536)
            : raw, 65_536)) {
      in.mark(65_536);
      int first = firstNonBlank(in);
      in.reset();
      if (first == '[') {
        readDocument(in, sink);
      } else {
        readLines(in, sink);
      }
    }
  }

  /** NDJSON, line by line; a file whose first line is not a whole value is one document (a pretty-printed batch). */
  private void readLines(InputStream in, Sink sink) throws IOException, InterruptedException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 65_536);
    long number = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode value;
      try {
        value = json.readTree(line);
      } catch (JsonProcessingException e) {
        if (number == 1 && line.strip().startsWith("{")) {
          readRest(line, lines, sink);
          return;
        }
        sink.unreadable(number, "not JSON: " + e.getOriginalMessage());
        continue;
      }
      value(value, number, sink);
    }
  }

  /** The first line did not close its value: the whole file is one JSON document. */
  private void readRest(String firstLine, BufferedReader lines, Sink sink) throws IOException, InterruptedException {
    StringBuilder text = new StringBuilder(firstLine).append('\n');
    char[] buffer = new char[65_536];
    for (int read; (read = lines.read(buffer)) > 0; ) {
      text.append(buffer, 0, read);
    }
    readDocument(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), sink);
  }

  /** One JSON document: an array of events, a batch object, or one event, streamed element by element. */
  private void readDocument(InputStream in, Sink sink) throws IOException, InterruptedException {
    try (JsonParser parser = json.getFactory().createParser(in)) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT) {
        long line = parser.currentLocation().getLineNr();
        JsonNode document = json.readTree(parser);
        JsonNode batch = document.get("batch");
        if (batch != null && batch.isArray()) {
          for (JsonNode event : batch) {
            value(event, line, sink);
          }
        } else {
          value(document, line, sink);
        }
        return;
      }
      if (token != JsonToken.START_ARRAY) {
        sink.unreadable(1, "not an event, an array of events or a batch object");
        return;
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        long line = parser.currentLocation().getLineNr();
        value(json.readTree(parser), line, sink);
      }
    } catch (JsonProcessingException e) {
      sink.unreadable(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not JSON: " + e.getOriginalMessage() + "; the rest of the file is not read");
    }
  }

  private static void value(JsonNode value, long line, Sink sink) throws InterruptedException {
    if (value instanceof ObjectNode event) {
      sink.event(event, line);
    } else {
      sink.unreadable(line, "an event is a JSON object; was " + value.getNodeType().toString().toLowerCase());
    }
  }

  private static int firstNonBlank(InputStream in) throws IOException {
    int c;
    do {
      c = in.read();
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB || c == 0xBF);
    return c;
  }

  /** Counts the bytes read from the file itself. */
  private static final class Counting extends FilterInputStream {
    private final AtomicLong count;

    Counting(InputStream in, AtomicLong count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        count.addAndGet(read);
      }
      return read;
    }
  }
}
