package dev.uptake.server.cli;

import dev.uptake.core.keys.Region;
import dev.uptake.server.Uptake;
import dev.uptake.cluster.EventTopic;
import dev.uptake.server.config.Cluster;
import dev.uptake.server.config.MemoryBudget;
import dev.uptake.server.config.UptakeConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code uptake serve}: the embedded runtime, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Uptake server: on the embedded store, on PostgreSQL with --database, or as a cluster node with --kafka and --database.")
final class ServeCommand implements Runnable {

  @Mixin StoreOption data;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "${env:UPTAKE_PORT:-8080}", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "${env:UPTAKE_HOST:-0.0.0.0}", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--region", defaultValue = "${env:UPTAKE_REGION:-us}", description = "Datacenter region served: us or eu (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--region-endpoint",
      paramLabel = "REGION=URL",
      description = "Ingestion endpoint of another region, named to senders whose key belongs there (repeatable).")
  Map<String, URI> regionEndpoints = Map.of();

  @Option(
      names = "--cache-memory",
      paramLabel = "SIZE",
      defaultValue = "${env:UPTAKE_CACHE_MEMORY}",
      description = "What all caches together may hold, such as 256m or 1g (default: a quarter of the heap, at most 512m).")
  String cacheMemory;

  @Option(
      names = "--kafka",
      paramLabel = "BOOTSTRAP",
      defaultValue = "${env:UPTAKE_KAFKA}",
      description = "Run as a node of a cluster on this Kafka (host:port[,host:port…]); needs --database.")
  String kafka;

  @Option(
      names = "--role",
      paramLabel = "ROLES",
      defaultValue = "${env:UPTAKE_ROLE:-ingest,process,query}",
      description = "With --kafka: what this node does, comma-separated: ingest, process, query (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--topic", defaultValue = "${env:UPTAKE_TOPIC:-" + EventTopic.DEFAULT_NAME + "}", description = "With --kafka: the Kafka topic of events (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--partitions",
      defaultValue = "${env:UPTAKE_PARTITIONS:-" + EventTopic.DEFAULT_PARTITIONS + "}",
      description = "With --kafka: partitions of the topic when this node creates it (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--bench-discard-events", hidden = true, description = "Benchmarks only: validate, then drop events.")
  boolean discardEvents;

  @Option(names = "--demo", description = "Also load a demo workspace (a few dozen accounts, 30 days of usage) and print how to sign in.")
  boolean demo;

  @Override
  public void run() {
    UptakeConfig config =
        new UptakeConfig(
            new UptakeConfig.HttpConfig(host, port), data.storeConfig(), region(region), endpoints(), memory(),
            discardEvents, cluster());
    JvmMemory.returnFreeHeapWhenIdle();
    Uptake uptake = Uptake.start(config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  uptake.close();
                  stopped.countDown();
                },
                "uptake-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            "Uptake listening on http://%s:%d (region %s, %s%s)%n",
            host, uptake.port(), config.region().id(), data.describe(),
            config.cluster().map(c -> "; cluster node: " + c.describeRoles() + ", Kafka topic " + c.topic()).orElse(""));
    spec.commandLine().getOut().flush();
    if (demo) {
      loadDemo(config, uptake.port());
    }
    try {
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        exitOnFatalError(uptake);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * After an Error stopped the event log's writer or the processor, this JVM cannot be trusted to
   * go on (docs/operations.md): exit with {@link #EXIT_FATAL}, closing what can be closed (the
   * shutdown hook), so that a supervisor starts a fresh process that resumes from what is durable.
   */
  private void exitOnFatalError(Uptake uptake) {
    uptake.fatal().ifPresent(error -> {
      spec.commandLine().getErr().println("uptake: stopping after a fatal error: " + error);
      spec.commandLine().getErr().flush();
      System.exit(EXIT_FATAL);
    });
  }

  /** The exit status after a fatal error (EX_SOFTWARE). */
  static final int EXIT_FATAL = 70;

  private void loadDemo(UptakeConfig config, int port) {
    String host = "0.0.0.0".equals(this.host) ? "localhost" : this.host;
    URI server = URI.create("http://" + host + ":" + port);
    spec.commandLine().getOut().println("Loading the demo workspace through " + server + " …");
    spec.commandLine().getOut().flush();
    try {
      Demo.SignIn signIn = Demo.load(config.store(), server, Clock.systemUTC());
      spec.commandLine().getOut().printf(
          "Demo workspace %s ready (%,d events). Open %s/login and sign in as %s with the password %s%n",
          signIn.workspace(), signIn.events(), server, signIn.email(), signIn.password());
    } catch (IOException e) {
      spec.commandLine().getErr().println("The demo could not be loaded: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    spec.commandLine().getOut().flush();
  }

  private Optional<Cluster> cluster() {
    if (kafka == null || kafka.isBlank()) {
      if (!Cluster.roles(ALL_ROLES).equals(roles())) {
        throw new ParameterException(spec.commandLine(), "--role needs --kafka: roles are parts of a cluster");
      }
      return Optional.empty();
    }
    if (data.database == null) {
      throw new ParameterException(spec.commandLine(),
          "--kafka needs --database: the nodes of a cluster keep their state in one PostgreSQL database");
    }
    if (partitions < 1) {
      throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, was " + partitions);
    }
    return Optional.of(new Cluster(new EventTopic(kafka.strip(), topic, partitions), roles()));
  }

  private static final String ALL_ROLES = "ingest,process,query";

  private Set<Cluster.Role> roles() {
    try {
      return Cluster.roles(role);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--role: " + e.getMessage());
    }
  }

  private MemoryBudget memory() {
    if (cacheMemory == null || cacheMemory.isBlank()) {
      return MemoryBudget.defaults();
    }
    try {
      return MemoryBudget.parse(cacheMemory);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--cache-memory: " + e.getMessage());
    }
  }

  private Region region(String id) {
    return Region.fromId(id)
        .orElseThrow(
            () -> new ParameterException(spec.commandLine(), "--region must be us or eu, was '" + id + "'"));
  }

  private Map<Region, URI> endpoints() {
    Map<Region, URI> endpoints = new EnumMap<>(Region.class);
    regionEndpoints.forEach((id, uri) -> endpoints.put(region(id), uri));
    return endpoints;
  }
}
