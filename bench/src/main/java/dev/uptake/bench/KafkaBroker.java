package dev.uptake.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-broker Kafka (KRaft, broker and controller in one) for the cluster figures, in a JVM of
 * its own as a real deployment's broker is: {@link #start} runs it, {@link #main} is the broker.
 */
final class KafkaBroker implements AutoCloseable {

  private static final String READY = "kafka bootstrap=";

  private final Process process;
  final String bootstrap;

  private KafkaBroker(Process process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  /** Starts a broker with its logs under {@code dir}; returns once it takes connections. */
  static KafkaBroker start(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), KafkaBroker.class.getName(), dir.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(READY)) {
        Thread drain = new Thread(() -> ServerProcess.drain(out), "kafka-output");
        drain.setDaemon(true);
        drain.start();
        return new KafkaBroker(process, line.substring(READY.length()));
      }
      seen.append(line).append('\n');
    }
    throw new IOException("the Kafka broker did not start:\n" + seen);
  }

  public static void main(String[] args) throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(1)
        .setBaseDirectory(Path.of(args[0])).build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    for (String[] setting : new String[][] {{"offsets.topic.replication.factor", "1"}, {"offsets.topic.num.partitions", "3"},
        {"transaction.state.log.replication.factor", "1"}, {"group.initial.rebalance.delay.ms", "0"},
        {"log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)}}) {
      builder.setConfigProp(setting[0], setting[1]);
    }
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      System.out.println(READY + cluster.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        TimeUnit.MILLISECONDS.sleep(10); // until the bench closes our stdin (or dies)
      }
    } finally {
      cluster.close();
    }
  }

  @Override
  public void close() {
    ServerProcess.stop(process);
  }
}
