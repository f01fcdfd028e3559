package dev.uptake.core.keys;

import java.security.SecureRandom;
import java.util.Objects;

/** Makes new credentials and workspace ids: random, URL-safe, prefixed with their region. */
public final class KeyFactory {

  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private final SecureRandom random;

  public KeyFactory(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A new set of sender credentials for {@code region}. */
  public EventKeys eventKeys(Region region) {
    return new EventKeys(
        key(region, "api", 24), key(region, "auth", 32), key(region, "wk", 24), key(region, "acct", 32));
  }

  /** A new admin token, for the query API's {@code Authorization: Bearer}. */
  public String adminToken(Region region) {
    return key(region, "adm", 32);
  }

  /** A new public workspace id: {@code ws_} and 12 random characters. */
  public String workspaceId() {
    return "ws_" + randomText(12);
  }

  private String key(Region region, String kind, int length) {
    return region.id() + "_" + kind + "_" + randomText(length);
  }

  private String randomText(int length) {
    char[] text = new char[length];
    for (int i = 0; i < length; i++) {
      text[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(text);
  }
}
