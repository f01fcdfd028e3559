package dev.uptake.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Apache Flume 1.11 as a user who only needs events on disk would run it in front: an HTTP source
 * with the BLOB handler (each request body one Flume event), a file channel (durable: the source
 * answers once the channel's transaction is on disk) and a file_roll sink, in a JVM of its own.
 * Its jars come from the bench-flume module ({@code target/lib}).
 */
final class FlumePeer implements AutoCloseable {

  /** The path a request goes to: the BLOB handler wants a named parameter (its default names none and refuses all). */
  static final String PATH = "/?batch=1";

  private final Process process;
  final URI url;
  private final Path sinkDir;

  private FlumePeer(Process process, URI url, Path sinkDir) {
    this.process = process;
    this.url = url;
    this.sinkDir = sinkDir;
  }

  static FlumePeer start(Path dir) throws IOException, InterruptedException {
    Path lib = lib();
    Files.createDirectories(dir.resolve("out"));
    int port = ServerProcess.freePort();
    Path conf = dir.resolve("agent.conf");
    Files.writeString(conf, String.join("\n",
        "a1.sources = http", "a1.channels = file", "a1.sinks = roll",
        "a1.sources.http.type = http", "a1.sources.http.bind = 127.0.0.1", "a1.sources.http.port = " + port,
        "a1.sources.http.handler = org.apache.flume.source.http.BLOBHandler",
        "a1.sources.http.handler.mandatoryParameters = batch", "a1.sources.http.channels = file",
        "a1.channels.file.type = file", "a1.channels.file.checkpointDir = " + dir.resolve("checkpoint"),
        "a1.channels.file.dataDirs = " + dir.resolve("data"),
        "a1.sinks.roll.type = file_roll", "a1.sinks.roll.sink.directory = " + dir.resolve("out"),
        "a1.sinks.roll.channel = file", ""));
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", lib + "/*", "org.apache.flume.node.Application", "-f", conf.toString(), "-n", "a1");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("flume.log").toFile()).start();
    FlumePeer flume = new FlumePeer(process, URI.create("http://127.0.0.1:" + port), dir.resolve("out"));
    flume.awaitReady();
    return flume;
  }

  /** Flume's jars, next to the bench's jar in the project's build. */
  private static Path lib() throws IOException {
    try {
      Path jar = Path.of(FlumePeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path project = jar.getParent() == null || jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
      Path lib = project == null ? null : project.resolve("bench-flume/target/lib");
      if (lib == null || !Files.isDirectory(lib)) {
        throw new IOException("Apache Flume's jars are not next to " + jar + " (bench-flume/target/lib of the project):"
            + " run the bench from the project's build, after mvn -pl bench-flume package");
      }
      return lib;
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Flume stopped while starting, exit " + process.exitValue());
      }
      try {
        HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(url.resolve(PATH))
            .POST(HttpRequest.BodyPublishers.ofString("{\"ready\":true}\n")).build(), HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("Flume did not answer within 60 s");
  }

  /** Flume's JVM, for what it costs the machine. */
  Process process() {
    return process;
  }

  /** Bytes its sink has written so far: what reached the end of its pipeline. */
  long sinkBytes() throws IOException {
    try (Stream<Path> files = Files.list(sinkDir)) {
      long bytes = 0;
      for (Path file : files.toList()) {
        bytes += Files.size(file);
      }
      return bytes;
    }
  }

  @Override
  public void close() {
    ServerProcess.stop(process);
  }
}
