package dev.uptake.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code uptake serve} in its own JVM, so its memory is its own and the load generator's work is
 * not mixed into its profile; the load generator still shares the machine's cores.
 */
final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("Uptake listening on http://[^:]+:(\\d+)");

  final Process process;
  final URI url;

  private ServerProcess(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  /** {@code uptake serve} on the store {@code storeArgs} name ({@code --data DIR} or {@code --database URL}). */
  static ServerProcess start(List<String> storeArgs, List<String> jvmOptions, boolean discardEvents) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.uptake.server.cli.Main", "serve",
        "--port", "0", "--host", "127.0.0.1"));
    command.addAll(storeArgs);
    if (discardEvents) {
      command.add("--bench-discard-events");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        Thread drain = new Thread(() -> drain(out), "server-output");
        drain.setDaemon(true);
        drain.start();
        return new ServerProcess(process, URI.create("http://127.0.0.1:" + listening.group(1)));
      }
    }
    throw new IOException("the server did not start:\n" + seen);
  }

  /** A port free now, for a process of the bench's to listen on. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Resident memory now, and its peak, in MiB (Linux /proc). */
  double[] rssMib() throws IOException {
    double rss = 0;
    double peak = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line) / 1024.0;
      } else if (line.startsWith("VmHWM:")) {
        peak = kib(line) / 1024.0;
      }
    }
    return new double[] {rss, peak};
  }

  /** Runs {@code jcmd <pid> <command>}, its output into {@code out}. */
  void jcmd(Path out, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!run.waitFor(2, TimeUnit.MINUTES) || run.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + Files.readString(out));
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  @Override
  public void close() {
    stop(process);
  }

  /** SIGTERM, and SIGKILL after 30 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Reads the child's output to its end, so it never blocks on a full pipe. */
  static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // dropped
      }
    } catch (IOException closed) {
      // the child is gone
    }
  }
}
