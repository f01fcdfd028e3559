package dev.uptake.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Realistic Segment traffic: accounts with users who work in sessions (events tens of seconds
 * apart, sessions hours apart) over the last week, a product's module and feature mix, identify
 * and group calls among the tracks, and a few percent of retried and out-of-order events. Not
 * thread-safe: one per sending thread, each with its own users.
 */
final class Traffic {

  static final String[] MODULES = {"Dashboard", "Reports", "Projects", "Settings", "Admin", "Billing"};
  static final double[] MODULE_WEIGHTS = {0.35, 0.25, 0.2, 0.1, 0.06, 0.04};
  static final String[][] FEATURES = {
    {"Viewed Dashboard", "Added Widget", "Moved Widget", "Shared Dashboard", "Filtered"},
    {"Viewed Report", "Exported CSV", "Scheduled Report", "Changed Range", "Drilled Down"},
    {"Created Project", "Updated Task", "Commented", "Assigned Task", "Closed Task"},
    {"Changed Setting", "Connected Integration", "Updated Profile", "Invited User", "Set Notification"},
    {"Added User", "Removed User", "Changed Role", "Viewed Audit Log", "Exported Users"},
    {"Viewed Invoice", "Updated Card", "Changed Plan", "Downloaded Invoice", "Applied Coupon"}
  };
  static final long WEEK_MILLIS = 7L * 24 * 3600 * 1000;

  private final Random random;
  private final Clock clock;
  private final String prefix;
  private final int usersPerAccount;
  private final long[] userTime;
  private final int[] userSession;
  private final int[] userModule;
  private final List<String> recent = new ArrayList<>();
  private long counter;

  /** @param part which slice of the accounts this generator's users belong to (one per thread) */
  Traffic(long seed, String part, int accounts, int usersPerAccount, Clock clock) {
    this.random = new Random(seed);
    this.clock = clock;
    this.prefix = part;
    this.usersPerAccount = usersPerAccount;
    int users = accounts * usersPerAccount;
    this.userTime = new long[users];
    this.userSession = new int[users];
    this.userModule = new int[users];
    long now = clock.millis();
    for (int u = 0; u < users; u++) {
      userTime[u] = now - (long) (random.nextDouble() * WEEK_MILLIS);
      userModule[u] = module();
    }
  }

  /** The next {@code n} events as JSON objects; a few are retries of recent ones, order shuffled a little. */
  List<String> next(int n) {
    List<String> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!recent.isEmpty() && random.nextInt(50) == 0) {
        events.add(recent.get(random.nextInt(recent.size()))); // a retry: same messageId
      } else {
        String event = event(random.nextInt(userTime.length));
        events.add(event);
        if (recent.size() < 1_000) {
          recent.add(event);
        } else {
          recent.set(random.nextInt(recent.size()), event);
        }
      }
    }
    if (n > 1 && random.nextInt(3) == 0) {
      Collections.swap(events, random.nextInt(n), random.nextInt(n)); // out of order
    }
    return events;
  }

  private String event(int user) {
    advance(user);
    int account = user / usersPerAccount;
    String userId = prefix + "-u" + user;
    String accountId = prefix + "-acct" + account;
    String session = prefix + "-s" + user + "-" + userSession[user];
    String time = Instant.ofEpochMilli(userTime[user]).toString();
    String messageId = prefix + "-m" + (counter++);
    int kind = random.nextInt(100);
    StringBuilder json = new StringBuilder(640);
    if (kind < 3) {
      json.append("{\"type\":\"identify\",\"traits\":{\"email\":\"").append(userId).append("@example.com\",\"first_name\":\"User\",\"title\":\"Analyst\"}");
    } else if (kind < 5) {
      json.append("{\"type\":\"group\",\"traits\":{\"name\":\"Account ").append(account)
          .append("\",\"createdAt\":\"2023-01-01T00:00:00Z\",\"employees\":").append(10 + account % 500).append('}');
    } else if (kind < 10) {
      json.append("{\"type\":\"page\",\"name\":\"").append(MODULES[userModule[user]]).append("\"");
    } else {
      if (random.nextInt(6) == 0) {
        userModule[user] = module();
      }
      String[] features = FEATURES[userModule[user]];
      json.append("{\"type\":\"track\",\"event\":\"").append(features[random.nextInt(features.length)])
          .append("\",\"properties\":{\"module\":\"").append(MODULES[userModule[user]]).append("\",\"plan\":\"pro\"}");
    }
    json.append(",\"userId\":\"").append(userId).append("\",\"anonymousId\":\"").append(session)
        .append("\",\"groupId\":\"").append(accountId).append("\",\"messageId\":\"").append(messageId)
        .append("\",\"originalTimestamp\":\"").append(time)
        .append("\",\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"2.11.1\"},\"ip\":\"10.0.")
        .append(account % 250).append('.').append(user % 250)
        .append("\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36\"}}");
    return json.toString();
  }

  /** Moves the user's clock: tens of seconds within a session, hours between sessions. */
  private void advance(int user) {
    long now = clock.millis();
    if (random.nextInt(40) == 0) {
      userTime[user] += (1 + random.nextInt(36)) * 3_600_000L;
      userSession[user]++;
    } else {
      userTime[user] += (long) (-Math.log(1 - random.nextDouble()) * 40_000);
    }
    if (userTime[user] > now) {
      userTime[user] = now - (long) (random.nextDouble() * WEEK_MILLIS);
      userSession[user]++;
    }
  }

  private int module() {
    double pick = random.nextDouble();
    for (int i = 0; i < MODULE_WEIGHTS.length; i++) {
      pick -= MODULE_WEIGHTS[i];
      if (pick <= 0) {
        return i;
      }
    }
    return 0;
  }
}
