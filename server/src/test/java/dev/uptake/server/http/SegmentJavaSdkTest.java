package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import dev.uptake.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's official Java SDK ({@code analytics-java}), unmodified, pointed at a real server. It
 * posts 250-event batches to {@code /v1/import/} with the write key in the body and the context
 * once at batch level.
 */
class SegmentJavaSdkTest {

  @TempDir Path dir;

  @Test
  void everyEventTheJavaSdkSendsIsAcceptedExactlyOnce() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      TestServer.Keys keys = server.createWorkspace("Acme");
      int count = 300;
      Set<String> delivered = ConcurrentHashMap.newKeySet();
      List<Throwable> failures = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(count + 2);
      Analytics analytics =
          Analytics.builder(keys.writeKey())
              .endpoint(server.url(""))
              .flushQueueSize(250)
              .callback(
                  new Callback() {
                    @Override
                    public void success(Message message) {
                      delivered.add(message.messageId());
                      done.countDown();
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                      synchronized (failures) {
                        failures.add(throwable);
                      }
                      done.countDown();
                    }
                  })
              .build();
      for (int i = 0; i < count; i++) {
        analytics.enqueue(
            TrackMessage.builder(i % 2 == 0 ? "Viewed Report" : "Exported")
                .userId("u" + (i % 7))
                .anonymousId("s" + (i % 4))
                .properties(Map.of("module", "Reports", "groupId", "acme")));
      }
      analytics.enqueue(IdentifyMessage.builder().userId("u1").traits(Map.of("email", "ada@example.com")));
      analytics.enqueue(GroupMessage.builder("acme").userId("u1").traits(Map.of("name", "Acme")));
      analytics.flush();
      assertThat(done.await(60, TimeUnit.SECONDS)).as("the SDK reported every message").isTrue();
      analytics.shutdown();
      assertThat(failures).isEmpty();
      assertThat(delivered).hasSize(count + 2);

      List<String> stored = new ArrayList<>();
      server.debugger(keys, "accepted").forEach(entry -> stored.add(entry.get("messageId").asText()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(delivered);
      JsonNode stats = server.stats(keys);
      assertThat(stats.get("accepted").asInt()).isEqualTo(count + 2);
      assertThat(stats.get("rejected").asInt()).isZero();
      JsonNode first = server.debugger(keys, "accepted").get(0);
      assertThat(first.at("/payload/context/library/name").asText()).as("batch context merged").isEqualTo("analytics-java");
    }
  }
}
