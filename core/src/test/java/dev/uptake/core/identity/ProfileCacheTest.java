package dev.uptake.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileCacheTest {

  /** A store of users that counts what it is asked for. */
  private static final class Stored {
    final Map<String, UserState> users = new HashMap<>();
    final List<String> read = new ArrayList<>();

    Map<String, UserState> users(long workspaceId, Collection<String> ids) {
      read.addAll(ids);
      Map<String, UserState> found = new HashMap<>();
      ids.forEach(id -> {
        if (users.containsKey(id)) {
          found.put(id, users.get(id));
        }
      });
      return found;
    }
  }

  @Test
  void aUserReadOnceIsNotReadFromTheStoreAgain() {
    Stored stored = new Stored();
    stored.users.put("u1", UserState.empty("u1"));
    ProfileCache cache = new ProfileCache(1L << 20);

    cache.users(1, List.of("u1", "u2"), stored::users);
    Map<String, UserState> again = cache.users(1, List.of("u1", "u2"), stored::users);

    assertThat(again).containsOnlyKeys("u1");
    assertThat(stored.read).containsExactlyInAnyOrder("u1", "u2", "u2"); // a user not stored is asked for each time
  }

  @Test
  void aCommittedStateIsWhatTheNextBatchReads() {
    Stored stored = new Stored();
    ProfileCache cache = new ProfileCache(1L << 20);
    UserState committed = UserState.empty("u1");

    cache.committed(7, committed);

    assertThat(cache.users(7, List.of("u1"), stored::users).get("u1")).isSameAs(committed);
    assertThat(cache.users(8, List.of("u1"), stored::users)).as("another workspace's u1").isEmpty();
    assertThat(stored.read).containsExactly("u1");
  }

  @Test
  void clearingForgetsEverything() {
    Stored stored = new Stored();
    ProfileCache cache = new ProfileCache(1L << 20);
    cache.committed(1, UserState.empty("u1"));

    cache.clear();

    assertThat(cache.users(1, List.of("u1"), stored::users)).isEmpty();
    assertThat(stored.read).containsExactly("u1");
  }

  @Test
  void itHoldsNoMoreThanItsShare() {
    ProfileCache cache = new ProfileCache(64L << 10);
    for (int i = 0; i < 10_000; i++) {
      cache.committed(1, UserState.empty("user-" + i));
    }
    assertThat(cache.bytesHeld()).isPositive().isLessThanOrEqualTo(64L << 10);
  }

  @Test
  void withNoShareEveryReadGoesToTheStore() {
    Stored stored = new Stored();
    stored.users.put("u1", UserState.empty("u1"));
    ProfileCache cache = new ProfileCache(0);
    cache.committed(1, UserState.empty("u1"));

    cache.users(1, List.of("u1"), stored::users);
    cache.users(1, List.of("u1"), stored::users);

    assertThat(stored.read).containsExactly("u1", "u1");
  }
}
