package dev.uptake.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.ingest.Rejection;
import dev.uptake.core.ingest.Warning;
import dev.uptake.store.ClusterBatch;
import dev.uptake.store.IngestBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of the event topic: one per accepted event, keyed by workspace and session key so
 * that a session's events share a partition (and so a processor), and one per refused item, keyed
 * by workspace, so that every node's rejections reach the debugger and the counts. The value is
 * JSON with a version field; a record this version cannot read is reported, never guessed at.
 */
public final class EventRecords {

  /** The version of the record layout this code writes; it reads this one only. */
  static final int VERSION = 1;

  private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A record's key and value, before a topic and partition are chosen. */
  public record Encoded(byte[] key, byte[] value) {}

  /** What a record carries. */
  public sealed interface Decoded {}

  /** An accepted event of {@code workspaceId}. */
  public record Arrived(long workspaceId, Outcome.Accepted accepted) implements Decoded {}

  /** An item ingest refused. */
  public record Refused(ClusterBatch.Rejection rejection) implements Decoded {}

  /** A record this version cannot read, and why. */
  public record Unreadable(String problem) implements Decoded {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Value(int v, long workspace, long received, EventValue event, List<Warning> warnings, RefusedValue refused) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EventValue(String messageId, String type, String userId, String anonymousId, String groupId, String name,
      String module, long eventTime, String payload) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RefusedValue(int index, String messageId, String field, String reason, boolean tooLarge, String payload) {}

  /** The key of {@code workspaceId}'s events of session key {@code sessionKey}: the partition they share. */
  public static byte[] key(long workspaceId, String sessionKey) {
    return (workspaceId + "/" + sessionKey).getBytes(StandardCharsets.UTF_8);
  }

  /** The records of one request: its accepted events in order, then its refused items. */
  public List<Encoded> encode(IngestBatch batch) {
    List<Encoded> records = new ArrayList<>(batch.size());
    long received = batch.receivedAt().toEpochMilli();
    for (Outcome.Accepted accepted : batch.accepted()) {
      Event event = accepted.event();
      EventValue value = new EventValue(event.messageId(), event.type().wireName(), event.userId(), event.anonymousId(),
          event.groupId(), event.name(), event.module(), event.eventTime().toEpochMilli(), event.payload());
      records.add(new Encoded(key(batch.workspaceId(), event.sessionKey()),
          write(new Value(VERSION, batch.workspaceId(), event.receivedAt().toEpochMilli(), value,
              accepted.warnings().isEmpty() ? null : accepted.warnings(), null))));
    }
    for (IngestBatch.RejectedItem item : batch.rejected()) {
      Outcome.Rejected rejected = item.rejected();
      RefusedValue value = new RefusedValue(item.index(), rejected.messageId(), rejected.rejection().field(),
          rejected.rejection().reason(), rejected.rejection().tooLarge(), rejected.payload());
      records.add(new Encoded(key(batch.workspaceId(), ""),
          write(new Value(VERSION, batch.workspaceId(), received, null, null, value))));
    }
    return records;
  }

  public Decoded decode(byte[] value) {
    Value read;
    try {
      read = json.readValue(value, Value.class);
    } catch (IOException | RuntimeException e) {
      return new Unreadable("not a record of the event topic: " + e.getMessage());
    }
    if (read.v() != VERSION) {
      return new Unreadable("record layout version " + read.v() + ", which this version of Uptake does not know");
    }
    Instant received = Instant.ofEpochMilli(read.received());
    try {
      if (read.event() != null) {
        EventValue e = read.event();
        EventType type = EventType.fromWire(e.type()).orElse(null);
        if (type == null) {
          return new Unreadable("event type '" + e.type() + "', which this version of Uptake does not know");
        }
        Event event = new Event(e.messageId(), type, e.userId(), e.anonymousId(), e.groupId(), e.name(), e.module(),
            Instant.ofEpochMilli(e.eventTime()), received, e.payload());
        return new Arrived(read.workspace(), new Outcome.Accepted(event, read.warnings() == null ? List.of() : read.warnings()));
      }
      if (read.refused() != null) {
        RefusedValue r = read.refused();
        Outcome.Rejected rejected = new Outcome.Rejected(r.messageId(), new Rejection(r.field(), r.reason(), r.tooLarge()),
            r.payload());
        return new Refused(new ClusterBatch.Rejection(read.workspace(), received,
            new IngestBatch.RejectedItem(r.index(), rejected)));
      }
    } catch (RuntimeException e) {
      return new Unreadable("the record does not make an event: " + e.getMessage());
    }
    return new Unreadable("the record holds neither an event nor a refused item");
  }

  private byte[] write(Value value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("records of plain values always serialize", e);
    }
  }
}
