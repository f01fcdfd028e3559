package dev.uptake.server.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.IngestBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A log's worth of events as a product sends them, the same for the same seed: users of accounts
 * working in sessions (seconds to minutes apart, sometimes past the timeout, sometimes days) over
 * the twenty days before {@code now}; identify and group calls with traits among tracks and pages;
 * measured module time; users who move to another account; late events; retries of a messageId.
 */
final class Backlog {

  static final String[] MODULES = {"Reports", "Dashboard", "Admin", "Billing"};
  private static final ObjectMapper JSON = new ObjectMapper();

  private Backlog() {}

  private record Key(long workspaceId, long seed, int events, Instant now) {}

  /** The last backlog made: the same one fills a store and then the one it is compared with. */
  private static Key lastKey;
  private static List<IngestBatch> last;

  /** {@code events} events of workspace {@code workspaceId} in batches of 100, as ingest appends them. */
  static synchronized List<IngestBatch> of(long workspaceId, long seed, int events, Instant now) {
    Key key = new Key(workspaceId, seed, events, now);
    if (!key.equals(lastKey)) {
      last = make(workspaceId, seed, events, now);
      lastKey = key;
    }
    return last;
  }

  private static List<IngestBatch> make(long workspaceId, long seed, int events, Instant now) {
    Random random = new Random(seed);
    int users = Math.max(4, events / 60);
    long[] clock = new long[users];
    int[] session = new int[users];
    int[] account = new int[users];
    long start = now.minus(Duration.ofDays(20)).toEpochMilli();
    for (int u = 0; u < users; u++) {
      clock[u] = start + (long) (random.nextDouble() * Duration.ofDays(19).toMillis());
      account[u] = u / 5;
    }
    Normalizer normalizer = new Normalizer(JSON);
    List<IngestBatch> batches = new ArrayList<>();
    List<Outcome.Accepted> batch = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      String json;
      if (!sent.isEmpty() && random.nextInt(40) == 0) {
        json = sent.get(random.nextInt(sent.size())); // a retry: the log keeps the first
      } else {
        json = event(random, i, users, clock, session, account, now.toEpochMilli());
        sent.add(json);
      }
      try {
        if (normalizer.normalize(JSON.readTree(json), now, null) instanceof Outcome.Accepted accepted) {
          batch.add(accepted);
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      if (batch.size() == 100 || i == events - 1) {
        batches.add(new IngestBatch(workspaceId, now, batch, List.of()));
        batch = new ArrayList<>();
      }
    }
    return batches;
  }

  private static String event(Random random, int n, int users, long[] clock, int[] session, int[] account, long now) {
    int u = random.nextInt(users);
    int kind = random.nextInt(10);
    if (kind < 7) {
      clock[u] += (long) (-Math.log(1 - random.nextDouble()) * 45_000);
    } else if (kind < 9) {
      clock[u] += 31 * 60_000L + random.nextInt(3 * 3_600_000);
      session[u]++;
    } else {
      clock[u] += 26 * 3_600_000L;
      session[u]++;
    }
    if (clock[u] > now) {
      clock[u] = now - random.nextInt(3_600_000);
    }
    if (random.nextInt(300) == 0) {
      account[u] = random.nextInt(users / 5 + 1); // moves to another account
    }
    long at = random.nextInt(30) == 0 ? clock[u] - random.nextInt(2 * 3_600_000) : clock[u]; // late
    String module = MODULES[random.nextInt(MODULES.length)];
    String accountId = "acct" + account[u];
    Events event = switch (random.nextInt(20)) {
      case 0 -> Events.identify().set("traits.email", "u" + u + "@x.test").set("traits.plan", "p" + random.nextInt(3));
      case 1 -> Events.group(accountId).set("traits.name", "Account " + account[u])
          .set("traits.seats", random.nextInt(100)).set("traits.createdAt", "2023-01-01T00:00:00Z");
      case 2, 3 -> Events.page("Home").module(module).account(accountId);
      case 4 -> Events.track(Event.MODULE_END).module(module).account(accountId)
          .set("properties.time_spent", random.nextInt(600_000));
      default -> {
        Events track = Events.track("F" + random.nextInt(8)).module(module);
        yield random.nextInt(4) == 0 ? track : track.account(accountId);
      }
    };
    return event.user("u" + u).session("s" + u + "-" + session[u]).at(Instant.ofEpochMilli(at).toString())
        .messageId("m" + n).json();
  }
}
