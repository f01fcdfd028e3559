package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.fixtures.Backend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under a running server (its connections are ended and new ones refused):
 * senders get 503 within seconds and nothing they sent then is acknowledged or stored; when the
 * database takes connections again, the server recovers by itself.
 */
class DatabaseOutageTest {

  @TempDir Path dir;

  @Test
  void sendersGet503WhileTheDatabaseIsGoneAndTheServerRecoversWhenItReturns() throws Exception {
    try (TestServer server = TestServer.start(Backend.POSTGRESQL, dir, Clock.systemUTC());
        Connection admin = Backend.POSTGRESQL.connect(dir);
        Statement sql = admin.createStatement()) {
      Keys keys = server.createWorkspace("Acme");
      server.sendProcessed(keys, Events.track("Before").user("u1").messageId("before"));
      String database = admin.getCatalog();

      sql.execute("ALTER DATABASE " + database + " CONNECTION LIMIT 0");
      sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
          + "' AND pid <> pg_backend_pid()");
      long sentAt = System.nanoTime();
      HttpResponse<String> during = server.post("/v1/track", Events.track("During").user("u1").messageId("during").json(),
          "Authorization", keys.basicWriteKey());
      assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).as("answered, not hung").isLessThan(Duration.ofSeconds(15));
      assertThat(during.body()).contains("unavailable");
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(503);

      sql.execute("ALTER DATABASE " + database + " CONNECTION LIMIT -1");
      HttpResponse<String> after = await(() -> server.post("/v1/track",
          Events.track("After").user("u1").messageId("after").json(), "Authorization", keys.basicWriteKey()));
      assertThat(after.statusCode()).isEqualTo(200);
      server.awaitProcessed(keys);
      assertThat(server.stats(keys).get("accepted").asInt()).as("before and after; the 503'd one not").isEqualTo(2);
      assertThat(server.debugger(keys, null)).extracting(entry -> entry.get("messageId").asText())
          .containsExactlyInAnyOrder("before", "after");
      assertThat(await(() -> server.get("/health/ready")).statusCode()).isEqualTo(200);
    }
  }

  /** The first 200 within 30 s. */
  private static HttpResponse<String> await(Supplier<HttpResponse<String>> request) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> response;
    while ((response = request.get()).statusCode() != 200) {
      assertThat(System.nanoTime()).as("recovered within 30 s: %s", response.body()).isLessThan(deadline);
      Thread.sleep(250);
    }
    return response;
  }
}
