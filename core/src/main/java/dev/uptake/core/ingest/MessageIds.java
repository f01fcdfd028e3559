package dev.uptake.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives a messageId for an event that has none, as a pure function of its canonical content, so
 * that a retried copy of the same event derives the same id and deduplicates.
 *
 * <p>Canonical content: the event with object keys sorted, without the fields a sender changes on
 * a retry ({@link #VOLATILE_FIELDS}).
 */
final class MessageIds {

  /** Top-level fields that differ between two deliveries of one event. */
  static final Set<String> VOLATILE_FIELDS =
      Set.of("messageId", "sentAt", "receivedAt", "writeKey", "_metadata");

  static final String DERIVED_PREFIX = "derived-";

  private MessageIds() {}

  static String derive(JsonNode event) {
    MessageDigest digest = sha256();
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(event.properties());
    fields.removeIf(field -> VOLATILE_FIELDS.contains(field.getKey()));
    writeObject(fields, digest);
    return DERIVED_PREFIX + HexFormat.of().formatHex(digest.digest(), 0, 16);
  }

  private static void write(JsonNode node, MessageDigest digest) {
    if (node.isObject()) {
      writeObject(new ArrayList<>(node.properties()), digest);
    } else if (node.isArray()) {
      digest.update((byte) '[');
      for (JsonNode element : node) {
        write(element, digest);
        digest.update((byte) ',');
      }
      digest.update((byte) ']');
    } else {
      // toString() is the JSON text of a scalar: strings quoted and escaped, so "1" and 1 differ.
      digest.update(node.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void writeObject(List<Map.Entry<String, JsonNode>> fields, MessageDigest digest) {
    fields.sort(Map.Entry.comparingByKey());
    digest.update((byte) '{');
    for (Map.Entry<String, JsonNode> field : fields) {
      digest.update(TextNode.valueOf(field.getKey()).toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) ':');
      write(field.getValue(), digest);
      digest.update((byte) ',');
    }
    digest.update((byte) '}');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
