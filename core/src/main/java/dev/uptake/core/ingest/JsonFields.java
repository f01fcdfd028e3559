package dev.uptake.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads the typed fields of an event, naming the field in every complaint. */
final class JsonFields {

  private JsonFields() {}

  /**
   * The id at {@code name}: a non-blank string, or an integer number taken as its decimal text
   * (senders with numeric database ids send them as numbers). Numbers are rewritten as strings in
   * the event, so later stages see one type. Null when absent or JSON null.
   */
  static String optionalId(ObjectNode event, String name) {
    JsonNode node = event.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    String id;
    if (node.isTextual()) {
      id = node.textValue();
    } else if (node.isIntegralNumber()) {
      id = node.asText();
      event.put(name, id);
    } else {
      throw InvalidEvent.of(name, name + " must be a string; was " + describe(node));
    }
    if (id.isBlank()) {
      throw InvalidEvent.of(name, name + " must not be empty");
    }
    if (id.length() > Limits.MAX_ID_CHARS) {
      throw InvalidEvent.of(
          name, name + " is " + id.length() + " characters; the limit is " + Limits.MAX_ID_CHARS);
    }
    return storable(name, id);
  }

  /**
   * {@code text}, or a rejection when it holds U+0000: PostgreSQL keeps no NUL in text, so neither
   * store takes one (the event's JSON keeps it escaped, as sent).
   */
  static String storable(String name, String text) {
    if (text.indexOf('\u0000') >= 0) {
      throw InvalidEvent.of(name, name + " contains the NUL character (U+0000), which Uptake does not store");
    }
    return text;
  }

  /** The id at {@code name}; missing is a rejection that says what the field is for. */
  static String requiredId(ObjectNode event, String name, String purpose) {
    String id = optionalId(event, name);
    if (id == null) {
      throw InvalidEvent.of(name, name + " is required: " + purpose);
    }
    return id;
  }

  /** A non-blank string at {@code name}, or a rejection. */
  static String requiredText(ObjectNode event, String name, String purpose) {
    JsonNode node = event.get(name);
    if (node == null || node.isNull()) {
      throw InvalidEvent.of(name, name + " is required: " + purpose);
    }
    if (!node.isTextual()) {
      throw InvalidEvent.of(name, name + " must be a string; was " + describe(node));
    }
    if (node.textValue().isBlank()) {
      throw InvalidEvent.of(name, name + " must not be empty");
    }
    return storable(name, node.textValue());
  }

  /** {@code text} with each NUL shown as U+FFFD, for messages and the debugger, which keep no NUL. */
  static String printable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  /** A value as a message quotes it: strings in quotes and cut to 80 characters, else its kind. */
  static String shown(JsonNode node) {
    if (!node.isTextual()) {
      return describe(node);
    }
    String text = printable(node.textValue());
    return "'" + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + "'";
  }

  /** "a number", "an object", … for messages. */
  static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case NULL, MISSING -> "null";
      case BINARY -> "binary data";
    };
  }
}
