package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SDK test clients that the build installs from npm into {@code src/test/node} ({@code npm ci}).
 * Missing on a laptop, a test that needs one is skipped; under {@code CI=true} it fails instead.
 */
final class NodeSdks {

  static final Path CLIENTS = Path.of("src/test/node");

  private NodeSdks() {}

  /**
   * Runs a client script in {@link #CLIENTS} with Node and returns the JSON of its last line (what
   * it reports); fails the test with everything it printed when it fails or reports errors.
   */
  static JsonNode run(String script, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(arguments));
    Process node = new ProcessBuilder(command).directory(CLIENTS.toFile()).redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    JsonNode result = TestServer.JSON.readTree(output.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(result.get("errors")).as(output).isEmpty();
    return result;
  }

  static void require(String npmPackage) {
    boolean installed = Files.isDirectory(CLIENTS.resolve("node_modules").resolve(npmPackage));
    if (!"true".equals(System.getenv("CI"))) {
      assumeThat(installed).as("run 'npm ci' in server/src/test/node (mvn does it) for " + npmPackage).isTrue();
    }
    assertThat(installed).as("CI must install " + npmPackage + " (npm ci in server/src/test/node)").isTrue();
  }
}
