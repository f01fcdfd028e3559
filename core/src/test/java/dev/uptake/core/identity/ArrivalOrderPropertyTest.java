package dev.uptake.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.event.Event;
import dev.uptake.core.fixtures.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Any arrival order of the same events, with duplicates, processed in batches of any size, ends
 * in the same users, accounts, dimensions and attribution as processing them once in order.
 */
class ArrivalOrderPropertyTest {

  static final String[] TITLES = {"CTO", "Engineer", "Analyst", null};
  static final String[] TIERS = {"Gold", "Silver", "Platinum"};
  final IdentityResolver resolver = new IdentityResolver(Events.JSON);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 22, 33, 44, 55, 66, 77, 88, 99, 1234})
  void anyArrivalOrderEndsInTheSameProfiles(long seed) {
    Random random = new Random(seed);
    List<Event> events = stream(random, 150);

    Map<String, UserState> expectedUsers = new HashMap<>();
    Map<String, AccountState> expectedAccounts = new HashMap<>();
    process(events, events.size(), expectedUsers, expectedAccounts);

    List<Event> arrivals = new ArrayList<>(events);
    for (int i = 0; i < events.size() / 5; i++) {
      arrivals.add(events.get(random.nextInt(events.size()))); // Segment delivers at least once
    }
    Collections.shuffle(arrivals, random);
    Map<String, UserState> users = new HashMap<>();
    Map<String, AccountState> accounts = new HashMap<>();
    process(arrivals, 1 + random.nextInt(40), users, accounts);

    assertThat(users).isEqualTo(expectedUsers);
    assertThat(accounts).isEqualTo(expectedAccounts);
    for (Event event : events) {
      assertThat(Attributor.account(event, users.get(event.userId())))
          .isEqualTo(Attributor.account(event, expectedUsers.get(event.userId())));
    }
  }

  /** Applies events in batches, each batch on a working set loaded from the previous result. */
  void process(List<Event> events, int batchSize, Map<String, UserState> users, Map<String, AccountState> accounts) {
    for (int from = 0; from < events.size(); from += batchSize) {
      WorkingSet batch = new WorkingSet(users, accounts);
      for (Event event : events.subList(from, Math.min(events.size(), from + batchSize))) {
        resolver.apply(event, IdentityResolverTest.SETTINGS, batch);
      }
      batch.changedUsers().forEach(user -> users.put(user.userId(), user));
      batch.changedAccounts().forEach(account -> accounts.put(account.accountId(), account));
    }
  }

  List<Event> stream(Random random, int size) {
    List<Event> events = new ArrayList<>();
    Instant start = Instant.parse("2024-05-01T00:00:00Z");
    for (int i = 0; i < size; i++) {
      // Few distinct seconds, so equal event times (ties broken by messageId) are common.
      String at = start.plusSeconds(60L * random.nextInt(30)).toString();
      String user = "u" + random.nextInt(6);
      String account = "a" + random.nextInt(3);
      Events event = switch (random.nextInt(4)) {
        case 0 -> Events.identify().set("traits.title", TITLES[random.nextInt(TITLES.length)])
            .set("traits.nps", random.nextInt(11));
        case 1 -> Events.group(account).set("traits.name", "Name " + random.nextInt(3))
            .set("traits.tier", TIERS[random.nextInt(TIERS.length)])
            .set("traits.contract.seats", random.nextInt(50));
        case 2 -> Events.track("Export").account(account);
        default -> Events.track("Export");
      };
      if (random.nextInt(4) == 0) {
        event.without("anonymousId");
      }
      events.add(IdentityResolverTest.event(event.user(user).at(at).messageId("m" + i)));
    }
    return events;
  }
}
