package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /uptake.js}: the minified collector, current with its readable source (minified here
 * again with the project's terser from npm), under 8 KB gzipped, cacheable with an ETag, allowed
 * from any site.
 */
class CollectorScriptTest {

  static final Path SOURCE = Path.of("src/main/collector/uptake.js");
  static final Path TERSER = BrowserSdkTest.NODE_MODULES.resolve("terser/bin/terser");

  @TempDir Path dir;

  @Test
  void theServedScriptIsTheMinifiedSourceCacheableAndAllowedCrossOrigin() throws Exception {
    NodeSdks.require("terser");
    try (TestServer server = TestServer.start(dir)) {
      HttpResponse<String> script = server.get("/uptake.js");
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/javascript");
      assertThat(script.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(script.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age");
      String etag = script.headers().firstValue("ETag").orElseThrow();
      assertThat(server.get("/uptake.js", "If-None-Match", etag).statusCode()).isEqualTo(304);

      assertThat(script.body()).as("current with src/main/collector/uptake.js: run `npm --prefix server/src/test/node"
          + " run minify-collector` after changing it").isEqualTo(minified());
      assertThat(gzipped(script.body())).as("gzipped bytes").isLessThan(8 * 1024);
      assertThat(script.body().length()).as("minified").isLessThan(Files.readString(SOURCE).length() / 2);
    }
  }

  private static String minified() throws IOException, InterruptedException {
    Path out = Files.createTempFile("uptake", ".min.js");
    try {
      Process terser = new ProcessBuilder("node", TERSER.toString(), SOURCE.toString(), "--compress", "--mangle",
          "--comments", "/^!/", "--output", out.toString()).redirectErrorStream(true).start();
      assertThat(terser.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(terser.exitValue()).as(new String(terser.getInputStream().readAllBytes())).isZero();
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int gzipped(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return bytes.size();
  }
}
