package dev.uptake.store.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * Connections to uptake.db with state.db attached, so one query can read the log and what
 * processing derived from it (the debugger joins both) and derived tables resolve by name.
 */
final class AttachingDataSource extends SQLiteDataSource {

  private final String attach;
  private final long stateCacheKib;

  AttachingDataSource(SQLiteDataSource main, Path state, long stateCacheKib) {
    super(main.getConfig());
    setUrl(main.getUrl());
    this.attach = "ATTACH DATABASE '" + state.toString().replace("'", "''") + "' AS state";
    this.stateCacheKib = stateCacheKib;
  }

  @Override
  public SQLiteConnection getConnection(String username, String password) throws SQLException {
    SQLiteConnection connection = super.getConnection(username, password);
    try (Statement statement = connection.createStatement()) {
      statement.execute(attach);
      statement.execute("PRAGMA state.cache_size = -" + stateCacheKib);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }
}
