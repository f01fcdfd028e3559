package dev.uptake.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk (Debian's package), a load generator in C, far lighter on the shared cores than the
 * JDK's client: the ingest figures, their ceilings, Apache Flume's and freshness's background load
 * come from it, with the same requests. Bodies are realistic events of one shape whose messageIds,
 * times and users a Lua script fills in for every request ({@link #script}), so no request is a
 * duplicate that the store could skip and the users' sessions grow as live traffic's do. Closed loop ({@link #run}): each
 * connection sends its next request when the last is answered; paced ({@link #pace}): requests go
 * out at a steady rate, as a live server's background traffic.
 */
final class Wrk {

  static final String BINARY = "wrk";
  private static final int THREADS = 2;
  private static final int TEMPLATES = 64;
  /** About how many users the requests come from: the templates' users, copied per pass over them. */
  private static final int USERS = 10_000;
  private static final Pattern HOLE =
      Pattern.compile("\"(messageId|originalTimestamp|userId|anonymousId)\":\"([^\"]*)\"");

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
    try (Running wrk = Running.start(target, connections, duration, 0, work, run, accounts)) {
      return wrk.awaitEnd(duration.toSeconds() + 60);
    }
  }

  /**
   * Starts wrk sending {@code requestsPerSecond} (all connections together) at {@code target} for
   * at most {@code atMost}, until {@link Running#stop}: a request is due at a fixed interval after
   * the one before it (per wrk thread), and one whose connection is still busy goes out as soon
   * as it is free, so a server that falls behind gets the rate's requests late, not fewer of them.
   */
  static Running pace(Target target, int connections, double requestsPerSecond, Duration atMost, Path work, String run,
      int accounts) throws IOException {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("a paced run needs a rate above 0 requests/s, not " + requestsPerSecond);
    }
    return Running.start(target, connections, atMost, requestsPerSecond, work, run, accounts);
  }

  /** A wrk process and what it will report; closing it ends the process if it still runs. */
  static final class Running implements AutoCloseable {
    private final Process wrk;
    private final List<String> command;
    private final Path script;
    private final Path out;
    private final Shape shape;
    private final int connections;
    private final double requestsPerSecond;

    private Running(Process wrk, List<String> command, Path script, Path out, Shape shape, int connections,
        double requestsPerSecond) {
      this.wrk = wrk;
      this.command = command;
      this.script = script;
      this.out = out;
      this.shape = shape;
      this.connections = connections;
      this.requestsPerSecond = requestsPerSecond;
    }

    private static Running start(Target target, int connections, Duration duration, double requestsPerSecond, Path work,
        String run, int accounts) throws IOException {
      Files.createDirectories(work);
      String name = "wrk-" + target.shape().name().toLowerCase() + (requestsPerSecond > 0 ? "-paced" : "");
      Path script = work.resolve(name + ".lua");
      Files.writeString(script, script(target, accounts, requestsPerSecond / THREADS));
      List<String> command = List.of(BINARY, "-t", String.valueOf(THREADS), "-c", String.valueOf(connections), "-d",
          Math.max(1, duration.toSeconds()) + "s", "--timeout", "30s", "--latency", "-s", script.toString(),
          target.base().toString(), "--", run);
      Path out = work.resolve(name + ".out");
      Process wrk = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      return new Running(wrk, command, script, out, target.shape(), connections, requestsPerSecond);
    }

    /** Stops wrk now (SIGINT, on which it reports what it sent so far) and returns its report. */
    Load.Result stop() throws IOException, InterruptedException {
      if (wrk.isAlive()) { // Process.destroy sends SIGTERM, on which wrk reports nothing
        new ProcessBuilder("kill", "-INT", String.valueOf(wrk.pid())).inheritIO().start().waitFor();
      }
      return awaitEnd(60);
    }

    @Override
    public void close() {
      wrk.destroyForcibly();
    }

    private Load.Result awaitEnd(long seconds) throws IOException, InterruptedException {
      boolean ended = wrk.waitFor(seconds, TimeUnit.SECONDS);
      if (!ended) {
        wrk.destroyForcibly();
      }
      String report = Files.readString(out, StandardCharsets.UTF_8);
      // A script error does not stop wrk: it then sends its default request, and every answer would count.
      if (!ended || wrk.exitValue() != 0 || report.contains(script + ":")) {
        throw new IOException("wrk failed: " + String.join(" ", command) + "\n" + report);
      }
      return parse(shape, connections, requestsPerSecond, report);
    }
  }

  static Load.Result parse(Shape shape, int connections, double requestsPerSecond, String out) throws IOException {
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
    return new Load.Result(shape.name(), requestsPerSecond > 0 ? "paced, wrk" : "closed, wrk", connections,
        requestsPerSecond, seconds, requests, events, errors,
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

  /**
   * The Lua script: request bodies cut where each request fills in anew its messageIds (so nothing
   * is a duplicate), its event times (the time it is sent, as a live SDK's) and its users and
   * session ids (a copy of the templates' users per pass over them, about {@link #USERS} users in
   * all). Replaying the templates as they are would instead pile every request onto the same
   * few users at the same instants: sessions of thousands of events at one time, which no sender
   * makes. An event's time is the millisecond its request is sent (read through LuaJIT's FFI;
   * it used to be the request's count within its second, which shuffled each user's events within
   * every second), so a user's events arrive in order, as from an SDK, but for the two wrk threads'
   * races. With {@code requestsPerSecondPerThread} above 0, each wrk thread delays its requests to
   * that rate.
   */
  private static String script(Target target, int accounts, double requestsPerSecondPerThread) {
    Shape shape = target.shape();
    Traffic traffic = new Traffic(3, "wrk", Math.max(1, accounts), 8, Clock.systemUTC());
    StringBuilder lua = new StringBuilder("local templates = {\n");
    Set<String> users = new HashSet<>();
    for (int t = 0; t < TEMPLATES; t++) {
      String body = shape.body(traffic.next(shape.events), target.keys());
      String path = target.peerPath() != null ? target.peerPath() : shape.path(target.keys(), body);
      lua.append("  { path = \"").append(path).append("\", parts = {");
      Matcher hole = HOLE.matcher(body);
      int from = 0;
      StringBuilder holes = new StringBuilder();
      while (hole.find()) {
        lua.append("[==[").append(body, from, hole.start(2)).append("]==],");
        String kind = switch (hole.group(1)) {
          case "messageId" -> "m";
          case "originalTimestamp" -> "t";
          default -> "c"; // a user or session id, copied per pass
        };
        holes.append("{\"").append(kind).append("\",[==[").append(hole.group(2)).append("]==]},");
        if (hole.group(1).equals("userId")) {
          users.add(hole.group(2));
        }
        from = hole.end(2);
      }
      lua.append("[==[").append(body.substring(from)).append("]==],}, holes = {").append(holes).append("} },\n");
    }
    lua.append("}\nlocal copies = ").append(Math.max(1, USERS / Math.max(1, users.size()))).append('\n');
    lua.append("local headers = { [\"Content-Type\"] = \"application/json\"");
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
        local ffi = require("ffi")
        ffi.cdef[[
        typedef struct { long tv_sec; long tv_nsec; } uptake_timespec;
        int clock_gettime(int clock, uptake_timespec *now);
        ]]
        local clock = ffi.new("uptake_timespec")
        -- Milliseconds of CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1): Lua's own clock has whole seconds.
        local function millis(which)
          ffi.C.clock_gettime(which, clock)
          return tonumber(clock.tv_sec) * 1000 + math.floor(tonumber(clock.tv_nsec) / 1e6)
        end
        local second = -1
        local stamp = ""
        function request()
          n = n + 1
          local t = templates[n % #templates + 1]
          local p = t.parts
          local id = run .. "-" .. tostring(tid) .. "-" .. n .. "-"
          local copy = "-" .. (math.floor(n / #templates) % copies)
          local sent = millis(0)
          local now = math.floor(sent / 1000)
          if now ~= second then
            second = now
            stamp = os.date("!%Y-%m-%dT%H:%M:%S", now)
          end
          local time = stamp .. string.format(".%03dZ", sent % 1000)
          local out = {}
          for i = 1, #p - 1 do
            out[2 * i - 1] = p[i]
            local hole = t.holes[i]
            if hole[1] == "m" then
              out[2 * i] = id .. i
            elseif hole[1] == "t" then
              out[2 * i] = time
            else
              out[2 * i] = hole[2] .. copy
            end
          end
          out[2 * #p - 1] = p[#p]
          return wrk.format("POST", t.path, headers, table.concat(out))
        end
        """);
    if (requestsPerSecondPerThread > 0) {
      lua.append("local interval = ").append(1000 / requestsPerSecondPerThread).append('\n').append("""
          local due = nil
          function delay()
            local now = millis(1)
            due = (due or now) + interval
            if due <= now then return 0 end
            return math.floor(due - now)
          end
          """);
    }
    return lua.toString();
  }
}
