package dev.uptake.bench;

import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.StoreConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a run keeps the stores it measures: embedded, in data directories under its work
 * directory; or on a PostgreSQL server, one fresh database per data directory it would have used,
 * dropped when the run ends.
 */
final class BenchStore implements AutoCloseable {

  private final DatabaseUrl server;
  private final Map<Path, DatabaseUrl> databases = new ConcurrentHashMap<>();
  private final List<String> created = new ArrayList<>();

  private BenchStore(DatabaseUrl server) {
    this.server = server;
  }

  static BenchStore embedded() {
    return new BenchStore(null);
  }

  /** Databases made on {@code server} through its role, which must be allowed to create them. */
  static BenchStore postgresql(DatabaseUrl server) {
    return new BenchStore(server);
  }

  String name() {
    return server == null ? "sqlite" : "postgresql";
  }

  StoreConfig config(Path dir) {
    return server == null ? new StoreConfig(dir) : StoreConfig.postgresql(database(dir));
  }

  /** The command-line options naming the store of {@code dir}. */
  List<String> args(Path dir) {
    if (server == null) {
      return List.of("--data", dir.toString());
    }
    return List.of("--database", database(dir).withCredentials());
  }

  private DatabaseUrl database(Path dir) {
    return databases.computeIfAbsent(dir.toAbsolutePath(), unused -> {
      String name = "uptake_bench_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
      execute("CREATE DATABASE " + name);
      synchronized (created) {
        created.add(name);
      }
      return server.withDatabase(name);
    });
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + server + " failed: " + e.getMessage(), e);
    }
  }

  /** Drops the databases made; one that cannot be dropped now (autovacuum on it) is named, not fatal. */
  @Override
  public void close() {
    synchronized (created) {
      for (String name : created) {
        try {
          execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (IllegalStateException e) {
          System.err.println("left the database " + name + " behind: " + e.getMessage());
        }
      }
      created.clear();
    }
  }
}
