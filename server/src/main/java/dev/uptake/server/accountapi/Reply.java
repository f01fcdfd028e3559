package dev.uptake.server.accountapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Account API answer, with what the API Status list shows of it.
 *
 * @param records records read or written
 * @param failures records refused, or 1 when the whole request was
 */
record Reply(int status, ObjectNode body, int records, int failures) {

  /** The whole request refused: {@code status_is_ok} false and the reason in {@code message}. */
  static Reply refused(int status, String message, ObjectMapper json) {
    ObjectNode body = json.createObjectNode();
    body.put("status_is_ok", false);
    body.put("message", message);
    return new Reply(status, body, 0, 1);
  }
}
