package dev.uptake.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What the event log's deduplication key costs durable appends on SQLite: the same appends (the
 * log's settings: WAL, {@code synchronous=FULL}; transactions of 1,000 rows, SDK-like random
 * messageIds, a 400-byte payload) under the unique index on {@code (workspace_id, message_id)},
 * under one on a 16-byte hash of both, and under none. Each kind in turn, on a fresh file, for
 * {@code rounds} rounds, so the three are compared within one run:
 *
 * <pre>java -cp bench/target/uptake-bench.jar dev.uptake.bench.DedupKeys [rows] [rounds]</pre>
 */
public final class DedupKeys {

  private enum Key { TEXT, HASH_128, NONE }

  private static final int TRANSACTION_ROWS = 1_000;
  private static final String PAYLOAD = "x".repeat(400);

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    for (int round = 1; round <= rounds; round++) {
      for (Key key : Key.values()) {
        Path dir = Files.createTempDirectory("uptake-dedup-keys");
        try {
          double[] perSecond = append(dir.resolve("log.db"), key, rows);
          System.out.printf("round %d  %-8s  %,9.0f rows/s overall  %,9.0f rows/s over the second half%n", round, key,
              perSecond[0], perSecond[1]);
        } finally {
          BenchMain.deleteTree(dir);
        }
      }
    }
  }

  /** Rows per second over all {@code rows}, and over their second half (the index at its larger size). */
  private static double[] append(Path file, Key key, int rows) throws SQLException, NoSuchAlgorithmException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement setup = connection.createStatement()) {
        setup.execute("PRAGMA journal_mode=WAL");
        setup.execute("PRAGMA synchronous=FULL");
        setup.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,"
            + " message_id TEXT NOT NULL, dedup BLOB, payload TEXT NOT NULL)");
        for (String index : switch (key) {
          case TEXT -> List.of("CREATE UNIQUE INDEX dedup ON events (workspace_id, message_id)");
          case HASH_128 -> List.of("CREATE UNIQUE INDEX dedup ON events (dedup)");
          case NONE -> List.<String>of();
        }) {
          setup.execute(index);
        }
      }
      connection.setAutoCommit(false);
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      long start = System.nanoTime();
      long half = start;
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO events (seq, workspace_id, message_id, dedup, payload) VALUES (?, 1, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (int seq = 1; seq <= rows; seq++) {
          String messageId = "ajs-next-" + UUID.randomUUID();
          insert.setLong(1, seq);
          insert.setString(2, messageId);
          if (key == Key.HASH_128) {
            insert.setBytes(3, Arrays.copyOf(sha256.digest(("1/" + messageId).getBytes(StandardCharsets.UTF_8)), 16));
          } else {
            insert.setNull(3, Types.BLOB);
          }
          insert.setString(4, PAYLOAD);
          insert.addBatch();
          if (seq % TRANSACTION_ROWS == 0) {
            insert.executeBatch();
            connection.commit();
          }
          if (seq == rows / 2) {
            half = System.nanoTime();
          }
        }
        insert.executeBatch();
        connection.commit();
      }
      long end = System.nanoTime();
      return new double[] {rows / ((end - start) / 1e9), (rows - rows / 2) / ((end - half) / 1e9)};
    }
  }

  private DedupKeys() {}
}
