package dev.uptake.core.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionJsonTest {

  private final SessionJson codec = new SessionJson(new ObjectMapper());

  @Test
  void aStoredSessionReadsBackWithEveryFieldIncludingNullsAndOddText() {
    Session session = new Session("u\"1", List.of(
        new SessionEvent(1_000, "m-1", "u\"1", "", "Reports", "Viewed \"Report\" ✓", null, null),
        new SessionEvent(61_000, "m-2", "u\"1", "acme", null, null, 42_000L, null),
        new SessionEvent(121_000, "m-3", "u\"1", "acme", "Admin\n", "sessionSync", null, 90_000L)));

    String stored = codec.write(session);

    assertThat(codec.read("u\"1", stored)).isEqualTo(session);
    assertThat(stored).startsWith("[[1000,\"m-1\"");
  }

  @Test
  void textThatIsNotAStoredSessionFailsLoudly() {
    assertThatThrownBy(() -> codec.read("u1", "{\"not\":\"a session\"}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SessionJson");
  }
}
