package dev.uptake.store.postgres;

import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Sql;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processing transaction, run again when PostgreSQL rolled it back for a deadlock or a
 * serialization failure: its way of saying that another process's commit came first.
 */
final class Transactions {

  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  static final int ATTEMPTS = 5;

  private Transactions() {}

  static <T> T run(DataSource source, Sql.Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return Sql.inTransaction(source, work);
      } catch (StoreUnavailableException e) {
        if (attempt < ATTEMPTS && e.getCause() instanceof SQLException cause && retryable(cause)) {
          log.info("a processing commit met another process's ({}); running it again", cause.getMessage());
          continue;
        }
        throw e;
      }
    }
  }

  /** Deadlock detected, serialization failure: PostgreSQL rolled back, and trying again is right. */
  private static boolean retryable(SQLException e) {
    return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
  }
}
