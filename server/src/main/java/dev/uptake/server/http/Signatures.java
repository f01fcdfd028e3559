package dev.uptake.server.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Segment's webhook signature: {@code X-Signature} is the hex HMAC-SHA1 of the JSON body
 * (after any gzip is undone) under the workspace's shared secret.
 */
final class Signatures {

  static final String HEADER = "X-Signature";

  private Signatures() {}

  static void verify(String secret, byte[] body, String signature) {
    if (signature == null || signature.isBlank()) {
      throw SenderAuth.unauthorized(
          "this workspace requires signed requests: send " + HEADER + ", the hex HMAC-SHA1 of the body");
    }
    byte[] expected = hmacSha1(secret, body);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.trim());
    } catch (IllegalArgumentException e) {
      throw SenderAuth.unauthorized(HEADER + " must be the hex HMAC-SHA1 of the body");
    }
    if (!MessageDigest.isEqual(expected, given)) {
      throw SenderAuth.unauthorized(HEADER + " does not match the body; check the shared secret");
    }
  }

  static byte[] hmacSha1(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA1", e);
    }
  }
}
