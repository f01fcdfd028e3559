package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SDK test clients that the build installs from npm into {@code src/test/node} ({@code npm ci}).
 * Missing on a laptop, a test that needs one is skipped; under {@code CI=true} it fails instead.
 */
final class NodeSdks {

  static final Path CLIENTS = Path.of("src/test/node");

  private NodeSdks() {}

  static void require(String npmPackage) {
    boolean installed = Files.isDirectory(CLIENTS.resolve("node_modules").resolve(npmPackage));
    if (!"true".equals(System.getenv("CI"))) {
      assumeThat(installed).as("run 'npm ci' in server/src/test/node (mvn does it) for " + npmPackage).isTrue();
    }
    assertThat(installed).as("CI must install " + npmPackage + " (npm ci in server/src/test/node)").isTrue();
  }
}
