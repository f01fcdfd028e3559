package dev.uptake.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk (Debian's package), a load generator in C, far lighter on the shared cores than the
 * JDK's client: the ingest figures, their ceilings and Apache Flume's are measured with it, with the
 * same requests. Bodies are realistic events of one shape whose messageIds a Lua script makes new
 * for every request, so no request is a duplicate that the store could skip. Closed loop: each
 * connection sends its next request when the last is answered.
 */
final class Wrk {

  static final String BINARY = "wrk";
  private static final int THREADS = 2;
  private static final int TEMPLATES = 64;
  private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\":\"[^\"]*\"");

  private Wrk() {}

  /** Fails, saying how to install it, unless wrk is on the PATH. */
  static void require() throws IOException, InterruptedException {
    if (!installed()) {
      throw new IOException("the bench measures ingest with wrk, which is not installed: apt-get install wrk");
    }
  }

  /** Whether wrk runs here (Debian's package puts it on the PATH). */
  static boolean installed() throws InterruptedException {
    try {
      Process probe = new ProcessBuilder(BINARY, "--version").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    }
  }

  /** Where to send, and how: Uptake's route and keys for the shape, or a peer's path without them. */
  record Target(URI base, Shape shape, Shape.Keys keys, String peerPath) {
    static Target uptake(URI base, Shape shape, Shape.Keys keys) {
      return new Target(base, shape, keys, null);
    }

    /** The same bodies to a peer at {@code path}, no credentials. */
    static Target peer(URI base, Shape shape, String path) {
      return new Target(base, shape, new Shape.Keys("", "", "", "", "", "", ""), path);
    }
  }

  /**
   * Runs wrk against {@code target} for {@code duration} on {@code connections} connections; the
   * request count, events (requests × the shape's events, 200s only) and latency percentiles.
   *
   * @param run makes this run's messageIds differ from every other run's on the same server
   */
  static Load.Result run(Target target, int connections, Duration duration, Path work, String run, int accounts)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path script = work.resolve("wrk-" + target.shape().name().toLowerCase() + ".lua");
    Files.writeString(script, script(target, accounts));
    List<String> command = List.of(BINARY, "-t", String.valueOf(THREADS), "-c", String.valueOf(connections), "-d",
        duration.toSeconds() + "s", "--timeout", "30s", "--latency", "-s", script.toString(), target.base().toString(),
        "--", run);
    Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
      throw new IOException("wrk failed: " + String.join(" ", command) + "\n" + out);
    }
    return parse(target.shape(), connections, out);
  }

  static Load.Result parse(Shape shape, int connections, String out) throws IOException {
    Matcher total = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)").matcher(out);
    if (!total.find()) {
      throw new IOException("wrk said no request count:\n" + out);
    }
    long requests = Long.parseLong(total.group(1));
    double seconds = millis(total.group(2), total.group(3)) / 1000.0;
    long errors = count(out, "Non-2xx or 3xx responses: (\\d+)");
    Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
    if (socket.find()) {
      for (int group = 1; group <= 4; group++) {
        errors += Long.parseLong(socket.group(group));
      }
    }
    long events = (requests - Math.min(requests, errors)) * shape.events;
    return new Load.Result(shape.name(), "closed, wrk", connections, 0, seconds, requests, events, errors,
        events / seconds, requests / seconds, percentile(out, "50"), percentile(out, "90"), percentile(out, "99"),
        maxLatency(out));
  }

  private static long count(String out, String pattern) {
    Matcher found = Pattern.compile(pattern).matcher(out);
    return found.find() ? Long.parseLong(found.group(1)) : 0;
  }

  private static double percentile(String out, String percent) {
    Matcher found = Pattern.compile("\\n\\s+" + percent + "%\\s+([\\d.]+)(us|ms|s|m)").matcher(out);
    return found.find() ? millis(found.group(1), found.group(2)) : Double.NaN;
  }

  private static double maxLatency(String out) {
    Matcher found = Pattern.compile("Latency\\s+[\\d.]+\\w+\\s+[\\d.]+\\w+\\s+([\\d.]+)(us|ms|s|m)").matcher(out);
    return found.find() ? millis(found.group(1), found.group(2)) : Double.NaN;
  }

  private static double millis(String value, String unit) {
    double number = Double.parseDouble(value);
    return switch (unit) {
      case "us" -> number / 1000;
      case "s" -> number * 1000;
      case "m" -> number * 60_000;
      default -> number;
    };
  }

  /** The Lua script: request bodies cut at their messageIds, which each request fills in anew. */
  private static String script(Target target, int accounts) {
    Shape shape = target.shape();
    Traffic traffic = new Traffic(3, "wrk", Math.max(1, accounts), 8, Clock.systemUTC());
    StringBuilder lua = new StringBuilder("local templates = {\n");
    for (int t = 0; t < TEMPLATES; t++) {
      String body = shape.body(traffic.next(shape.events), target.keys());
      String path = target.peerPath() != null ? target.peerPath() : shape.path(target.keys(), body);
      lua.append("  { path = \"").append(path).append("\", parts = {");
      Matcher id = MESSAGE_ID.matcher(body);
      int from = 0;
      List<String> parts = new ArrayList<>();
      while (id.find()) {
        parts.add(body.substring(from, id.start()) + "\"messageId\":\"");
        from = id.end() - 1;
      }
      parts.add(body.substring(from));
      for (String part : parts) {
        lua.append("[==[").append(part).append("]==],");
      }
      lua.append("} },\n");
    }
    lua.append("}\nlocal headers = { [\"Content-Type\"] = \"application/json\"");
    if (target.peerPath() == null && shape.basicAuth()) {
      lua.append(", [\"Authorization\"] = \"Basic ").append(Base64.getEncoder()
          .encodeToString((target.keys().writeKey() + ":").getBytes(StandardCharsets.UTF_8))).append('"');
    }
    lua.append(" }\n").append("""
        local run = "run"
        local n = 0
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        function init(args)
          if args[1] then run = args[1] end
        end
        function request()
          n = n + 1
          local t = templates[n % #templates + 1]
          local p = t.parts
          local id = run .. "-" .. tostring(tid) .. "-" .. n .. "-"
          local out = {}
          for i = 1, #p - 1 do
            out[2 * i - 1] = p[i]
            out[2 * i] = id .. i
          end
          out[2 * #p - 1] = p[#p]
          return wrk.format("POST", t.path, headers, table.concat(out))
        end
        """);
    return lua.toString();
  }
}
