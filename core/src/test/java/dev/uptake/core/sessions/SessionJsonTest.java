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
        new SessionEvent(121_000, "m-3", "u\"1", "acme", "Admin\n", "sessionSync", null, 90_000L),
        new SessionEvent(122_000, "m-4", "u\"1", "acme", "Admin", "Export", null, null, 12)));

    String stored = codec.write(session.events());

    assertThat(codec.session("u\"1", List.of(stored))).isEqualTo(session);
    assertThat(stored).startsWith("[[1000,\"m-1\"");
  }

  @Test
  void sessionsReadForTheCacheShareTheirEventsNamesAndEqualTheUnsharedRead() {
    SessionJson sharing = SessionJson.sharingNames(new ObjectMapper());
    String piece = "[[1000,\"m-1\",\"u1\",\"acme\",\"Reports\",\"A\",null,null],"
        + "[2000,\"m-2\",\"u1\",\"acme\",\"Reports\",\"A\",null,null]]";

    Session first = sharing.session("u1", List.of(piece));
    Session again = sharing.session("u1", List.of(piece));

    assertThat(first).isEqualTo(codec.session("u1", List.of(piece)));
    SessionEvent a = first.events().get(0);
    for (SessionEvent b : List.of(first.events().get(1), again.events().get(0))) {
      assertThat(b.userId()).isSameAs(a.userId());
      assertThat(b.accountKey()).isSameAs(a.accountKey());
      assertThat(b.module()).isSameAs(a.module());
      assertThat(b.feature()).isSameAs(a.feature());
    }
  }

  @Test
  void aPieceWrittenBeforeUsesWereKeptReadsAsOneUseEach() {
    String old = "[[1000,\"m-1\",\"u1\",\"\",\"Reports\",\"A\",null,null]]";

    assertThat(codec.session("u1", List.of(old)).events().get(0).uses()).isEqualTo(1);
  }

  @Test
  void aSessionIsAssembledFromItsPiecesInAnyOrder() {
    Session session = new Session("u1", List.of(
        new SessionEvent(1_000, "m-1", "u1", "", "Reports", "A", null, null),
        new SessionEvent(2_000, "m-2", "u1", "", "Reports", "B", null, null),
        new SessionEvent(3_000, "m-3", "u1", "", "Admin", "C", null, null)));
    String later = codec.write(List.of(session.events().get(2), session.events().get(0)));
    String earlier = codec.write(List.of(session.events().get(1)));

    assertThat(codec.session("u1", List.of(later, earlier))).isEqualTo(session);
  }

  @Test
  void textThatIsNotAStoredSessionFailsLoudly() {
    assertThatThrownBy(() -> codec.session("u1", List.of("{\"not\":\"a session\"}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SessionJson");
  }
}
