package dev.uptake.store.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.WorkingSet;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.Stores;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One processing writer of {@link ConcurrentWritersTest}, run as a process of its own: it
 * processes its share of a seeded event set (the session keys a partition would own) in small
 * batches, each read from and committed to the database as the processor does.
 *
 * <p>Arguments: database URL, workspace id, seed, share (0 or 1), shares (1 or 2).
 */
public final class WriterProcess {

  static final Instant BASE = Instant.parse("2024-05-01T08:00:00Z");
  private static final String[] USERS = {"u0", "u1", "u2", "u3", "u4"};
  private static final String[] SESSION_KEYS = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"};
  private static final String[] ACCOUNTS = {"acme", "globex", "initech"};

  public static void main(String[] args) {
    DatabaseUrl url = DatabaseUrl.parse(args[0]);
    long workspace = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    int share = Integer.parseInt(args[3]);
    int shares = Integer.parseInt(args[4]);
    try (Store store = Stores.open(StoreConfig.postgresql(url), Clock.systemUTC())) {
      process(store, workspace, share(events(seed), share, shares), new Random(seed * 31 + share));
    }
  }

  /** The seeded events: a few users under many session keys, naming a few accounts, over two days. */
  static List<Event> events(long seed) {
    Random random = new Random(seed);
    Normalizer normalizer = new Normalizer(Events.JSON);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String user = USERS[random.nextInt(USERS.length)];
      Instant at = BASE.plusSeconds(random.nextInt(2 * 24 * 3600));
      Events event = switch (random.nextInt(6)) {
        case 0 -> Events.identify().set("traits.plan", "p" + random.nextInt(4)).set("traits.name", "N" + random.nextInt(4));
        case 1 -> Events.group(ACCOUNTS[random.nextInt(ACCOUNTS.length)]).set("traits.name", "A" + random.nextInt(4))
            .set("traits.createdAt", "2024-01-01T00:00:00Z").set("traits.tier", "T" + random.nextInt(3));
        default -> {
          Events track = Events.track("F" + random.nextInt(3)).module("M" + random.nextInt(2));
          yield random.nextBoolean() ? track.account(ACCOUNTS[random.nextInt(ACCOUNTS.length)]) : track;
        }
      };
      event = event.user(user).session(SESSION_KEYS[random.nextInt(SESSION_KEYS.length)]).at(at.toString())
          .messageId("m" + i);
      events.add(((Outcome.Accepted) normalizer.normalize(event.node(), BASE.plusSeconds(3 * 24 * 3600), null)).event());
    }
    return events;
  }

  /** The events of the session keys that share {@code share} of {@code shares} owns, as a partition would. */
  static List<Event> share(List<Event> events, int share, int shares) {
    return events.stream().filter(event -> Math.floorMod(event.anonymousId().hashCode(), shares) == share).toList();
  }

  /** Processes {@code events} in shuffled order and random batches, each read from and committed to the store. */
  static void process(Store store, long workspace, List<Event> events, Random random) {
    ObjectMapper json = Events.JSON;
    Pipeline pipeline = new Pipeline(new IdentityResolver(json), new SessionStage(json), json);
    List<Event> arrivals = new ArrayList<>(events);
    Collections.shuffle(arrivals, random);
    for (int from = 0; from < arrivals.size(); ) {
      int to = Math.min(arrivals.size(), from + 1 + random.nextInt(25));
      List<Event> batch = arrivals.subList(from, to);
      Set<String> users = new HashSet<>();
      Set<String> accounts = new HashSet<>();
      batch.forEach(event -> {
        users.add(event.userId());
        if (event.groupId() != null) {
          accounts.add(event.groupId());
        }
      });
      WorkingSet working = new WorkingSet(store.profiles().users(workspace, users), store.profiles().accounts(workspace, accounts));
      Pipeline.Result result = pipeline.process(batch, store.settings().get(workspace), working, store.usage().sessions(workspace));
      store.stateWriter().commit(new ProcessedBatch(0, List.of(new ProcessedBatch.WorkspaceChanges(workspace, batch.size(),
          List.copyOf(working.changedUsers()), List.copyOf(working.changedAccounts()), Map.of(),
          result.sessions().changes(), result.sessions().deltas()))));
      from = to;
    }
  }
}
