package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CSV export of events without {@code limit} is every matching event, past the largest JSON page. */
class EventsExportTest {

  @TempDir Path dir;

  @Test
  void csvWithoutLimitExportsEveryMatchingEvent() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      for (int batch = 0; batch < 3; batch++) {
        Events[] events = new Events[400];
        for (int i = 0; i < events.length; i++) {
          events[i] = Events.track("Open").user(i % 2 == 0 ? "even" : "odd").messageId("m-" + batch + "-" + i);
        }
        server.sendProcessed(keys, events);
      }
      HttpResponse<String> export = server.get("/api/v1/events?format=csv&userId=even", "Authorization", keys.bearer());
      List<Map<String, String>> rows = Csv.read(export.body());
      assertThat(rows).hasSize(600);
      assertThat(rows).extracting(row -> row.get("userId")).containsOnly("even");
      assertThat(rows.get(0).get("messageId")).as("newest received first").isEqualTo("m-2-398");
      assertThat(export.headers().firstValue("X-Next-Cursor")).isEmpty();

      HttpResponse<String> page = server.get("/api/v1/events?format=csv&limit=1000", "Authorization", keys.bearer());
      assertThat(Csv.read(page.body())).hasSize(1000);
      assertThat(page.headers().firstValue("X-Next-Cursor")).isPresent();
    }
  }
}
