package dev.uptake.core.keys;

import java.util.Objects;

/**
 * The credentials senders use, issued together and rotated together.
 *
 * @param apiKey the Event API key (Segment's "Send Key")
 * @param authKey the Event auth key, the second half of the pair
 * @param writeKey the write key Segment's own SDKs send
 * @param accountApiKey the Account API key: scripts push accounts and users through {@code /api/v2} with it
 */
public record EventKeys(String apiKey, String authKey, String writeKey, String accountApiKey) {

  public EventKeys {
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(authKey, "authKey");
    Objects.requireNonNull(writeKey, "writeKey");
    Objects.requireNonNull(accountApiKey, "accountApiKey");
  }
}
