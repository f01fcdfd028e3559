package dev.uptake.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void libpqFormGivesTheDriverItsUrlAndTheCredentialsApart() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://uptake:s3cr%40t@db.internal:5433/usage?sslmode=require");
    assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.internal:5433/usage?sslmode=require", "uptake", "s3cr@t"));
    assertThat(DatabaseUrl.parse("postgres://u@localhost/db")).isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost/db", "u", null));
  }

  @Test
  void jdbcFormMovesUserAndPasswordOutAndKeepsTheOtherParameters() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://localhost:5432/uptake?user=uptake&password=p%26ss&ssl=true");
    assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost:5432/uptake?ssl=true", "uptake", "p&ss"));
  }

  @Test
  void passwordNeverShowsWhenTheUrlIsPrintedOrRefused() {
    assertThat(DatabaseUrl.parse("postgresql://uptake:hunter2@localhost:5432/db").toString())
        .isEqualTo("jdbc:postgresql://localhost:5432/db as uptake").doesNotContain("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://uptake:hunter2@localhost/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresql://user:password@host:5432/db")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://?password=hunter2"))
        .hasMessageContaining("names no host").hasMessageNotContaining("hunter2");
  }

  @Test
  void anotherDatabaseOnTheSameServerIsHandedOnWithItsCredentialsReadBackIntact() {
    DatabaseUrl server = DatabaseUrl.parse("postgresql://uptake:a%26b%3Dc@localhost:5432/postgres?sslmode=prefer");
    DatabaseUrl other = server.withDatabase("uptake_t_1");
    assertThat(other).isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost:5432/uptake_t_1?sslmode=prefer", "uptake", "a&b=c"));
    assertThat(DatabaseUrl.parse(other.withCredentials())).isEqualTo(other);
  }
}
