package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.EventKeys;
import dev.uptake.core.keys.Region;
import dev.uptake.store.Store;
import dev.uptake.store.jdbc.JdbcWorkspaces;
import dev.uptake.store.Workspaces;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class WorkspacesContractTest {

  @Parameter Backend backend;

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
  Store store;
  Workspaces workspaces;

  @BeforeEach
  void open() {
    store = backend.open(dir, clock);
    workspaces = store.workspaces();
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  @Test
  void createdWorkspaceIsFoundByEachOfItsCredentials() {
    Workspaces.Created created = workspaces.create("Acme", Region.EU);
    EventKeys keys = created.keys();
    assertThat(keys.apiKey()).startsWith("eu_api_");
    assertThat(keys.writeKey()).startsWith("eu_wk_");
    assertThat(keys.accountApiKey()).startsWith("eu_acct_");
    assertThat(workspaces.byEventKeys(keys.apiKey(), keys.authKey())).contains(created.workspace());
    assertThat(workspaces.byAccountApiKey(keys.accountApiKey())).contains(created.workspace());
    assertThat(workspaces.byAccountApiKey(keys.writeKey())).as("another kind of key").isEmpty();
    assertThat(workspaces.byWriteKey(keys.writeKey())).contains(created.workspace());
    assertThat(workspaces.byAdminToken(created.adminToken())).contains(created.workspace());
  }

  @Test
  void apiKeyWithAnotherWorkspacesAuthKeyIsRefused() {
    EventKeys acme = workspaces.create("Acme", Region.US).keys();
    EventKeys globex = workspaces.create("Globex", Region.US).keys();
    assertThat(workspaces.byEventKeys(acme.apiKey(), globex.authKey())).isEmpty();
    assertThat(workspaces.byEventKeys(acme.apiKey(), null)).isEmpty();
  }

  @Test
  void adminTokenIsStoredOnlyAsAHash() throws Exception {
    String token = workspaces.create("Acme", Region.US).adminToken();
    try (Connection connection = backend.connect(dir);
        ResultSet rows = connection.createStatement().executeQuery("SELECT token_hash FROM admin_tokens")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo(JdbcWorkspaces.sha256(token)).isNotEqualTo(token);
    }
  }

  @Test
  void rotatedKeysReplaceTheOldOnesAfterTheGracePeriod() {
    Workspaces.Created created = workspaces.create("Acme", Region.US);
    EventKeys old = created.keys();
    Workspaces.Rotated rotated = workspaces.rotateKeys(created.workspace().publicId(), Duration.ofDays(7), false);
    assertThat(rotated.keys()).isNotEqualTo(old);
    assertThat(rotated.previousValidUntil()).isEqualTo(Instant.parse("2024-05-08T10:00:00Z"));
    assertThat(workspaces.currentKeys(created.workspace())).isEqualTo(rotated.keys());

    clock.advance(Duration.ofDays(7).minusSeconds(1));
    assertThat(workspaces.byWriteKey(old.writeKey())).isPresent();
    assertThat(workspaces.byEventKeys(old.apiKey(), old.authKey())).isPresent();
    assertThat(workspaces.byAccountApiKey(old.accountApiKey())).isPresent();
    assertThat(workspaces.byAdminToken(created.adminToken())).as("admin token not rotated").isPresent();

    clock.advance(Duration.ofSeconds(1));
    assertThat(workspaces.byWriteKey(old.writeKey())).isEmpty();
    assertThat(workspaces.byEventKeys(old.apiKey(), old.authKey())).isEmpty();
    assertThat(workspaces.byAccountApiKey(old.accountApiKey())).isEmpty();
    assertThat(workspaces.byWriteKey(rotated.keys().writeKey())).isPresent();
    assertThat(workspaces.byAccountApiKey(rotated.keys().accountApiKey())).isPresent();
  }

  @Test
  void rotatingTheAdminTokenGivesTheOldOneTheSameGrace() {
    Workspaces.Created created = workspaces.create("Acme", Region.US);
    Workspaces.Rotated rotated = workspaces.rotateKeys(created.workspace().publicId(), Duration.ZERO, true);
    assertThat(workspaces.byAdminToken(created.adminToken())).isEmpty();
    assertThat(workspaces.byAdminToken(rotated.adminToken())).isPresent();
  }

  @Test
  void rotatingAnUnknownWorkspaceSaysHowToFindIds() {
    assertThatThrownBy(() -> workspaces.rotateKeys("ws_nope", Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws_nope")
        .hasMessageContaining("uptake workspace list");
  }

  @Test
  void webhookSecretIsSetAndCleared() {
    String id = workspaces.create("Acme", Region.US).workspace().publicId();
    assertThat(workspaces.setWebhookSecret(id, "s3cret").webhookSecret()).contains("s3cret");
    assertThat(workspaces.setWebhookSecret(id, null).webhookSecret()).isEmpty();
  }
}
