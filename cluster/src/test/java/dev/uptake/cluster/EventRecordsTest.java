package dev.uptake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.IngestBatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  final EventRecords records = new EventRecords();
  final Normalizer normalizer = new Normalizer(Events.JSON);

  private Outcome normalize(Events event) {
    return normalizer.normalize(event.node(), NOW, null);
  }

  @Test
  void anAcceptedEventAndARefusedItemComeBackAsTheyWent() {
    Outcome.Accepted accepted = (Outcome.Accepted) normalize(Events.track("Export").user("u1").session("s1")
        .account("acct1").module("Reports").set("properties.tier", "Gold"));
    Outcome.Rejected rejected = (Outcome.Rejected) normalizer.normalize(Events.JSON.createObjectNode().put("type", "track"),
        NOW, null);
    List<EventRecords.Encoded> encoded = records.encode(
        new IngestBatch(7, NOW, List.of(accepted), List.of(new IngestBatch.RejectedItem(1, rejected))));

    assertThat(encoded).hasSize(2);
    EventRecords.Arrived arrived = (EventRecords.Arrived) records.decode(encoded.get(0).value());
    assertThat(arrived.workspaceId()).isEqualTo(7);
    assertThat(arrived.accepted()).isEqualTo(accepted);
    EventRecords.Refused refused = (EventRecords.Refused) records.decode(encoded.get(1).value());
    assertThat(refused.rejection().workspaceId()).isEqualTo(7);
    assertThat(refused.rejection().receivedAt()).isEqualTo(NOW);
    assertThat(refused.rejection().item()).isEqualTo(new IngestBatch.RejectedItem(1, rejected));
  }

  @Test
  void aSessionsEventsShareAKeyAndSoAPartition() {
    Outcome.Accepted first = (Outcome.Accepted) normalize(Events.track("A").user("u1").session("s1"));
    Outcome.Accepted second = (Outcome.Accepted) normalize(Events.track("B").user("u2").session("s1"));
    Outcome.Accepted noSession = (Outcome.Accepted) normalize(Events.track("C").user("u1").without("anonymousId"));
    List<EventRecords.Encoded> encoded =
        records.encode(new IngestBatch(7, NOW, List.of(first, second, noSession), List.of()));

    assertThat(new String(encoded.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("7/s1");
    assertThat(encoded.get(1).key()).isEqualTo(encoded.get(0).key());
    assertThat(new String(encoded.get(2).key(), StandardCharsets.UTF_8)).as("keyed by its user").isEqualTo("7/u1");
  }

  @Test
  void aRecordThisVersionCannotReadSaysWhy() {
    assertThat(records.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventRecords.Unreadable.class);
    assertThat(((EventRecords.Unreadable) records.decode("{\"v\":2,\"workspace\":1}".getBytes(StandardCharsets.UTF_8)))
        .problem()).contains("version 2");
    assertThat(((EventRecords.Unreadable) records.decode(("{\"v\":1,\"workspace\":1,\"received\":0,\"event\":{\"messageId\":"
        + "\"m\",\"type\":\"teleport\",\"userId\":\"u\",\"eventTime\":0,\"payload\":\"{}\"}}").getBytes(StandardCharsets.UTF_8)))
        .problem()).contains("teleport");
  }
}
