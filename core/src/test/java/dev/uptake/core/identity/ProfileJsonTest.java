package dev.uptake.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileJsonTest {

  private final ProfileJson json = new ProfileJson(new ObjectMapper());
  private final Stamp stamp = new Stamp(1_795_711_639_919L, "m-1");
  private final Activity seen = new Activity(Instant.ofEpochMilli(1_795_638_847_905L), Instant.ofEpochMilli(1_795_711_639_919L));

  @Test
  void aUserWithOnlyALinkAndActivityIsStoredWithoutItsEmptyPartsAndReadsBackEqual() {
    UserState user = UserState.empty("u1").withLink(new Stamped(TextNode.valueOf("acct-1"), stamp)).withActivity(seen, Activity.NONE);

    String stored = json.write(user);

    assertThat(stored).doesNotContain("fields", "traits", "dimensions", "unattributed");
    assertThat(json.readUser("u1", stored)).isEqualTo(user);
  }

  @Test
  void aUserWithEveryPartReadsBackEqual() {
    Fields fields = new Fields(Map.of("email", new Stamped(TextNode.valueOf("a@example.com"), stamp)));
    Fields traits = new Fields(Map.of("plan", new Stamped(TextNode.valueOf("pro"), stamp)));
    Fields dimensions = new Fields(Map.of("region", new Stamped(TextNode.valueOf("eu"), stamp)));
    UserState user = new UserState("u1", fields, traits, dimensions, new Stamped(TextNode.valueOf("acct-1"), stamp), seen, seen);

    assertThat(json.readUser("u1", json.write(user))).isEqualTo(user);
  }

  @Test
  void anAccountWithoutActivityReadsBackEqual() {
    AccountState account = AccountState.empty("acct-1")
        .withFields(new Fields(Map.of("name", new Stamped(TextNode.valueOf("Acme"), stamp))), Fields.EMPTY, Fields.EMPTY);

    String stored = json.write(account);

    assertThat(stored).doesNotContain("activity", "traits");
    assertThat(json.readAccount("acct-1", stored)).isEqualTo(account);
  }

  @Test
  void rowsWrittenWithEmptyPartsSpelledOutStillRead() {
    String older = "{\"fields\":{},\"traits\":{},\"dimensions\":{},\"link\":{\"v\":\"acct-1\",\"t\":1795711639919,\"m\":\"m-1\"},"
        + "\"activity\":{\"first\":1795638847905,\"last\":1795711639919},\"unattributed\":{}}";

    assertThat(json.readUser("u1", older))
        .isEqualTo(UserState.empty("u1").withLink(new Stamped(TextNode.valueOf("acct-1"), stamp)).withActivity(seen, Activity.NONE));
  }
}
