package dev.uptake.store;

import dev.uptake.core.keys.EventKeys;
import dev.uptake.core.keys.Region;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Workspaces and their credentials. Lookups by credential see keys created by another process
 * (the {@code uptake workspace} command) at once: nothing is cached here.
 */
public interface Workspaces {

  /** A new workspace, its first sender keys and its first admin token. */
  record Created(Workspace workspace, EventKeys keys, String adminToken) {}

  /**
   * New credentials after a rotation.
   *
   * @param adminToken the new admin token, or null when it was not rotated
   * @param previousValidUntil when the keys that were current stop working
   */
  record Rotated(Workspace workspace, EventKeys keys, String adminToken, Instant previousValidUntil) {}

  Created create(String name, Region region);

  List<Workspace> list();

  Optional<Workspace> find(String publicId);

  /** By the store's own id ({@link Workspace#id()}), as members and sessions name it. */
  Optional<Workspace> byId(long id);

  /** The keys senders should use now (the newest set). */
  EventKeys currentKeys(Workspace workspace);

  /**
   * Issues new sender keys (and a new admin token when {@code adminToken}); the keys that were
   * current keep working for {@code grace}, so senders can be moved without losing events.
   *
   * @throws IllegalArgumentException when no workspace has that id
   */
  Rotated rotateKeys(String publicId, Duration grace, boolean adminToken);

  /**
   * Sets (or, with null, removes) the secret that native Event API requests must be signed with.
   *
   * @throws IllegalArgumentException when no workspace has that id
   */
  Workspace setWebhookSecret(String publicId, String secret);

  /** The workspace of a valid, unexpired Event API key and Event auth key pair. */
  Optional<Workspace> byEventKeys(String apiKey, String authKey);

  Optional<Workspace> byWriteKey(String writeKey);

  /** The workspace of an Account API key that has not expired (rotated keys work through their grace period). */
  Optional<Workspace> byAccountApiKey(String accountApiKey);

  Optional<Workspace> byAdminToken(String adminToken);
}
