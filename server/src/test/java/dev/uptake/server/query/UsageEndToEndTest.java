package dev.uptake.server.query;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few days of realistic traffic for several accounts, delivered shuffled and with retries; the
 * usage API answers exactly what this test computes on its own, plainly, from the same events.
 */
class UsageEndToEndTest {

  static final ZoneId ZONE = ZoneId.of("America/New_York");
  static final long MINUTE = 60_000;
  static final String[] MODULES = {"Dashboard", "Reports", "Admin"};
  static final String[] FEATURES = {"Open", "Export", "Share", "Filter"};

  @TempDir Path dir;

  /** What the test sends, and what it needs to compute usage itself. */
  record Sent(String messageId, String user, String account, String sessionKey, long time, String module,
      String feature, String json) {}

  /** One account's expected figures, over the whole range and per day. */
  static final class Expected {
    final Map<LocalDate, long[]> days = new TreeMap<>(); // events, sessions, durationMs, activeMs
    final Map<LocalDate, Set<String>> dayUsers = new TreeMap<>();
    final Map<String, long[]> modules = new TreeMap<>(); // durationMs, activeMs, events
    final Map<String, Long> featureEvents = new TreeMap<>();
    final Map<String, Set<String>> featureUsers = new TreeMap<>();

    long[] day(LocalDate day) {
      dayUsers.computeIfAbsent(day, d -> new HashSet<>());
      return days.computeIfAbsent(day, d -> new long[4]);
    }
  }

  @Test
  void usageApiAnswersWhatTheEventsMean() {
    Random random = new Random(42);
    List<Sent> sent = traffic(random);
    Map<String, Expected> expected = expected(sent);

    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      assertThat(server.put("/api/v1/settings", "{\"timeZone\":\"America/New_York\"}", "Authorization", keys.bearer()).statusCode())
          .isEqualTo(200);
      List<Sent> deliveries = new ArrayList<>(sent);
      for (int i = 0; i < sent.size() / 10; i++) {
        deliveries.add(sent.get(random.nextInt(sent.size()))); // retries
      }
      Collections.shuffle(deliveries, random);
      for (int from = 0; from < deliveries.size(); from += 20) {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        List<Sent> batch = deliveries.subList(from, Math.min(deliveries.size(), from + 20));
        for (int i = 0; i < batch.size(); i++) {
          body.append(i == 0 ? "" : ",").append(batch.get(i).json);
        }
        HttpResponse<String> response = server.post("/v1/batch", body.append("]}").toString(), "Authorization", keys.basicWriteKey());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      }
      server.awaitProcessed(keys);

      for (Map.Entry<String, Expected> account : expected.entrySet()) {
        Expected want = account.getValue();
        LocalDate first = want.days.keySet().iterator().next();
        LocalDate last = ((TreeMap<LocalDate, long[]>) want.days).lastKey();
        HttpResponse<String> response = server.get(
            "/api/v1/accounts/" + account.getKey() + "/usage?from=" + first + "&to=" + last, "Authorization", keys.bearer());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertUsage(account.getKey(), json(response), want);
      }
    }
  }

  static void assertUsage(String account, JsonNode usage, Expected want) {
    long[] total = new long[4];
    Set<String> users = new HashSet<>();
    want.days.forEach((day, figures) -> {
      for (int i = 0; i < 4; i++) {
        total[i] += figures[i];
      }
      users.addAll(want.dayUsers.get(day));
    });
    assertThat(usage.get("events").asLong()).as(account + " events").isEqualTo(total[0]);
    assertThat(usage.get("sessions").asLong()).as(account + " sessions").isEqualTo(total[1]);
    assertThat(usage.get("durationSeconds").asDouble()).as(account + " duration").isCloseTo(total[2] / 1000.0, within(1e-6));
    assertThat(usage.get("activeSeconds").asDouble()).as(account + " active").isCloseTo(total[3] / 1000.0, within(1e-6));
    assertThat(usage.get("activeUsers").asLong()).as(account + " active users").isEqualTo(users.size());
    want.modules.forEach((module, figures) -> {
      JsonNode got = usage.at("/modules/" + module);
      assertThat(got.get("durationSeconds").asDouble()).as(account + " " + module).isCloseTo(figures[0] / 1000.0, within(1e-6));
      assertThat(got.get("activeSeconds").asDouble()).as(account + " " + module).isCloseTo(figures[1] / 1000.0, within(1e-6));
      assertThat(got.get("events").asLong()).as(account + " " + module).isEqualTo(figures[2]);
    });
    assertThat(usage.get("modules").size()).isEqualTo(want.modules.size());
    Map<String, Long> features = new TreeMap<>();
    Map<String, Long> featureUsers = new TreeMap<>();
    usage.get("features").forEach(f -> {
      String key = f.get("module").asText() + "/" + f.get("feature").asText();
      features.put(key, f.get("events").asLong());
      featureUsers.put(key, f.get("users").asLong());
    });
    assertThat(features).as(account + " features").isEqualTo(want.featureEvents);
    Map<String, Long> wantFeatureUsers = new TreeMap<>();
    want.featureUsers.forEach((k, v) -> wantFeatureUsers.put(k, (long) v.size()));
    assertThat(featureUsers).isEqualTo(wantFeatureUsers);
    Map<String, JsonNode> days = new HashMap<>();
    usage.get("days").forEach(day -> days.put(day.get("day").asText(), day));
    want.days.forEach((day, figures) -> {
      JsonNode got = days.get(day.toString());
      assertThat(got.get("events").asLong()).as(account + " " + day).isEqualTo(figures[0]);
      assertThat(got.get("sessions").asLong()).as(account + " " + day).isEqualTo(figures[1]);
      assertThat(got.get("durationSeconds").asDouble()).isCloseTo(figures[2] / 1000.0, within(1e-6));
      assertThat(got.get("activeSeconds").asDouble()).isCloseTo(figures[3] / 1000.0, within(1e-6));
      assertThat(got.get("activeUsers").asLong()).isEqualTo(want.dayUsers.get(day).size());
    });
  }

  /** Sessions of a few users in three accounts over three days, some events naming no account. */
  static List<Sent> traffic(Random random) {
    List<Sent> sent = new ArrayList<>();
    long day0 = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
    int id = 0;
    for (int a = 0; a < 3; a++) {
      for (int u = 0; u < 3; u++) {
        String account = "acct" + a;
        String user = "user" + a + "-" + u;
        for (int s = 0; s < 4; s++) {
          String sessionKey = "anon-" + user + "-" + s;
          // Sessions start any time over three days; some straddle New York's midnight.
          long time = day0 + random.nextInt(3 * 24 * 60) * MINUTE;
          String module = null;
          for (int e = 5 + random.nextInt(20); e > 0; e--) {
            time += random.nextInt(10) == 0 ? (6 + random.nextInt(20)) * MINUTE : random.nextInt(4 * 60) * 1000L;
            module = random.nextInt(4) == 0 ? MODULES[random.nextInt(MODULES.length)] : module;
            boolean identify = random.nextInt(8) == 0;
            boolean named = random.nextInt(3) != 0 || sent.stream().noneMatch(x -> x.user.equals(user));
            String feature = identify ? null : FEATURES[random.nextInt(FEATURES.length)];
            String messageId = "e" + (id++);
            Events event = identify ? Events.identify().set("traits.title", "T") : Events.track(feature);
            event.user(user).session(sessionKey).messageId(messageId).at(Instant.ofEpochMilli(time).toString());
            if (named) {
              event.account(account);
            }
            String eventModule = random.nextInt(4) == 0 && !identify ? module : null;
            if (eventModule != null) {
              event.module(eventModule);
            }
            sent.add(new Sent(messageId, user, account, sessionKey, time, eventModule, feature, event.json()));
          }
        }
      }
    }
    return sent;
  }

  /** Plain sessionizing, written here independently of the server's code. */
  static Map<String, Expected> expected(List<Sent> sent) {
    Map<String, List<Sent>> byKey = new TreeMap<>();
    sent.forEach(s -> byKey.computeIfAbsent(s.sessionKey, k -> new ArrayList<>()).add(s));
    Map<String, Expected> expected = new TreeMap<>();
    for (List<Sent> events : byKey.values()) {
      events.sort((x, y) -> x.time != y.time ? Long.compare(x.time, y.time) : x.messageId.compareTo(y.messageId));
      String module = "(none)";
      for (int i = 0; i < events.size(); i++) {
        Sent e = events.get(i);
        boolean newSession = i == 0 || e.time - events.get(i - 1).time > 30 * MINUTE;
        if (newSession) {
          module = "(none)";
        }
        module = e.module != null ? e.module : module;
        Expected account = expected.computeIfAbsent(e.account, k -> new Expected());
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(e.time), ZONE);
        long[] figures = account.day(day);
        figures[0]++;
        account.dayUsers.get(day).add(e.user);
        if (newSession) {
          figures[1]++;
        }
        long[] moduleFigures = account.modules.computeIfAbsent(module, m -> new long[3]);
        moduleFigures[2]++;
        if (e.feature != null) {
          String key = module + "/" + e.feature;
          account.featureEvents.merge(key, 1L, Long::sum);
          account.featureUsers.computeIfAbsent(key, k -> new HashSet<>()).add(e.user);
        }
        boolean sessionGoesOn = i + 1 < events.size() && events.get(i + 1).time - e.time <= 30 * MINUTE;
        if (sessionGoesOn) {
          long gap = events.get(i + 1).time - e.time;
          figures[2] += gap;
          figures[3] += Math.min(gap, 5 * MINUTE);
          moduleFigures[0] += gap;
          moduleFigures[1] += Math.min(gap, 5 * MINUTE);
        }
      }
    }
    return expected;
  }
}
