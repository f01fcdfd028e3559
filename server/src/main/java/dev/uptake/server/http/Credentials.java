package dev.uptake.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** What a sender presented: the Event API key pair, or a write key. */
sealed interface Credentials {

  /** The key whose region prefix decides where the request belongs. */
  String regionKey();

  record EventKeyPair(String apiKey, String authKey) implements Credentials {
    @Override
    public String regionKey() {
      return apiKey;
    }
  }

  record WriteKey(String writeKey) implements Credentials {
    @Override
    public String regionKey() {
      return writeKey;
    }
  }

  /**
   * Reads {@code Authorization: Basic …}: user = write key with an empty password (Segment's
   * SDKs), or user = Event API key and password = Event auth key. Null when there is no such
   * header; a header that is not valid Basic is a 401.
   */
  static Credentials fromBasicHeader(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
      throw SenderAuth.unauthorized("the Authorization header must be Basic <base64(writeKey:)>");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw SenderAuth.unauthorized("the Authorization header is not valid base64");
    }
    int colon = decoded.indexOf(':');
    String user = colon < 0 ? decoded : decoded.substring(0, colon);
    String password = colon < 0 ? "" : decoded.substring(colon + 1);
    return password.isEmpty() ? new WriteKey(user) : new EventKeyPair(user, password);
  }
}
