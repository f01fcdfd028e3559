package dev.uptake.store;

import dev.uptake.core.keys.Region;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant: all data belongs to exactly one.
 *
 * @param id the store's internal id
 * @param publicId the id users see ({@code ws_…})
 * @param webhookSecret the shared secret that signs native Event API requests, when one is set
 */
public record Workspace(
    long id, String publicId, String name, Region region, Optional<String> webhookSecret, Instant createdAt) {

  public Workspace {
    Objects.requireNonNull(publicId, "publicId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
