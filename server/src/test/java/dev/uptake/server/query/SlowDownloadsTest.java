package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More CSV downloads than the store has pooled connections, each from a client that stops
 * reading: ingest, processing and the API go on as if they were not there.
 */
class SlowDownloadsTest {

  static final int DOWNLOADS = 8;

  @TempDir Path dir;

  @Test
  void stalledCsvDownloadsDoNotStallIngestOrQueries() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      String padding = "x".repeat(2_000);
      for (int batch = 0; batch < 10; batch++) {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 200; i++) {
          body.append(i == 0 ? "" : ",").append(Events.track("Export").at(Instant.now().toString())
              .messageId("m-" + batch + "-" + i).set("properties.note", padding).json());
        }
        assertThat(server.post("/v1/batch", body.append("]}").toString(), "Authorization", keys.basicWriteKey())
            .statusCode()).isEqualTo(200);
      }
      server.awaitProcessed(keys);

      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < DOWNLOADS; i++) {
          Socket socket = new Socket("127.0.0.1", server.port());
          socket.setReceiveBufferSize(4_096);
          OutputStream out = socket.getOutputStream();
          out.write(("GET /api/v1/events?format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: " + keys.bearer() + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
          out.flush();
          stalled.add(socket); // 4 MB each, never read: the server blocks writing it
        }
        Thread.sleep(500);

        long start = System.nanoTime();
        HttpResponse<String> sent = server.post("/v1/track", Events.track("During").at(Instant.now().toString()).json(),
            "Authorization", keys.basicWriteKey());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        server.awaitProcessed(keys);
        HttpResponse<String> list = server.get("/api/v1/accounts", "Authorization", keys.bearer());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("ingest, processing and a query")
            .isLessThan(Duration.ofSeconds(10));
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
    }
  }
}
