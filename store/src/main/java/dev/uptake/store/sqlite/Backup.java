package dev.uptake.store.sqlite;

import dev.uptake.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.sqlite.SQLiteConfig;

/**
 * Online backups of the embedded store ({@code uptake backup}, {@code uptake restore}): one zip
 * file holding a consistent copy of both SQLite files, made with {@code VACUUM INTO} while a
 * server appends and processes (each copy is one read transaction; nobody waits for it).
 *
 * <p>state.db is copied first: what processing derived then is from a prefix of the log copied
 * after it, so a restored store resumes processing from its cursor and processes every event
 * once. (The other order could restore a cursor past the restored log's end.)
 */
public final class Backup {

  /** The files of a backup, in the order they are copied. */
  private static final List<String> FILES = List.of(SqliteStore.STATE_FILE_NAME, SqliteStore.FILE_NAME);

  /** What a backup or a restore wrote. */
  public record Copied(long bytes, long events, double seconds) {}

  private Backup() {}

  /**
   * Writes a backup of the store in {@code dataDir} to {@code file} (replacing it only once the
   * backup is complete).
   *
   * @throws StoreUnavailableException when there is no store or a copy fails
   */
  public static Copied backup(Path dataDir, Path file) {
    long started = System.nanoTime();
    if (!Files.isRegularFile(dataDir.resolve(SqliteStore.FILE_NAME))) {
      throw new StoreUnavailableException("no embedded store in " + dataDir + " (no " + SqliteStore.FILE_NAME + ")", null);
    }
    Path work = null;
    try {
      work = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".uptake-backup-");
      for (String name : FILES) {
        Path source = dataDir.resolve(name);
        if (Files.isRegularFile(source)) {
          vacuumInto(source, work.resolve(name));
        }
      }
      long events = events(work.resolve(SqliteStore.FILE_NAME));
      Path partial = work.resolve("backup.zip");
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
        for (String name : FILES) {
          Path copy = work.resolve(name);
          if (Files.isRegularFile(copy)) {
            zip.putNextEntry(new ZipEntry(name));
            Files.copy(copy, zip);
            zip.closeEntry();
          }
        }
      }
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Copied(Files.size(file), events, (System.nanoTime() - started) / 1e9);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot write the backup " + file + ": " + e, e);
    } finally {
      deleteQuietly(work);
    }
  }

  /**
   * Restores {@code file} into {@code dataDir}, which must hold no store unless {@code replace};
   * with {@code replace}, the store there is replaced, and no server may be running on it.
   *
   * @throws StoreUnavailableException when the file is no Uptake backup, the directory holds a
   *     store (without {@code replace}) or is in use, or a copy fails
   */
  public static Copied restore(Path file, Path dataDir, boolean replace) {
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      boolean existing = Files.exists(dataDir.resolve(SqliteStore.FILE_NAME));
      if (existing && !replace) {
        throw new StoreUnavailableException(dataDir + " already holds a store; restore into an empty directory, or add"
            + " --replace (with the server stopped) to replace it", null);
      }
      DataDirLock lock = DataDirLock.acquire(dataDir); // no server may run on what is replaced
      try (lock) {
        Path work = Files.createTempDirectory(dataDir, ".uptake-restore-");
        try {
          List<String> found = unzip(file, work);
          if (!found.contains(SqliteStore.FILE_NAME)) {
            throw new StoreUnavailableException(file + " is not an Uptake backup (it holds no " + SqliteStore.FILE_NAME
                + "); make one with: uptake backup --data DIR --to FILE", null);
          }
          for (String name : found) {
            check(work.resolve(name));
          }
          long events = events(work.resolve(SqliteStore.FILE_NAME));
          long bytes = 0;
          for (String name : FILES) {
            for (String suffix : List.of("", "-wal", "-shm")) {
              Files.deleteIfExists(dataDir.resolve(name + suffix)); // stale WAL pages must not meet the restored file
            }
            if (found.contains(name)) {
              bytes += Files.size(work.resolve(name));
              Files.move(work.resolve(name), dataDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
          }
          return new Copied(bytes, events, (System.nanoTime() - started) / 1e9);
        } finally {
          deleteQuietly(work);
        }
      }
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot restore " + file + " into " + dataDir + ": " + e, e);
    }
  }

  private static void vacuumInto(Path source, Path copy) {
    try (Connection connection = connect(source);
        Statement vacuum = connection.createStatement()) {
      vacuum.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot copy " + source + ": " + e.getMessage(), e);
    }
  }

  /** The entries of the backup this version knows, unzipped into {@code work}. */
  private static List<String> unzip(Path file, Path work) throws IOException {
    List<String> found = new ArrayList<>();
    Set<String> known = Set.copyOf(FILES);
    try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        if (!known.contains(entry.getName())) {
          throw new StoreUnavailableException(file + " is not an Uptake backup (it holds " + entry.getName() + ")", null);
        }
        try (OutputStream out = Files.newOutputStream(work.resolve(entry.getName()))) {
          zip.transferTo(out);
        }
        found.add(entry.getName());
      }
    } catch (java.util.zip.ZipException e) {
      throw new StoreUnavailableException(file + " is not an Uptake backup (not a zip file: " + e.getMessage() + ")", e);
    }
    return found;
  }

  /** SQLite's own check of a restored file: a truncated or damaged backup is refused before it replaces anything. */
  private static void check(Path database) {
    try (Connection connection = connect(database);
        Statement check = connection.createStatement();
        ResultSet result = check.executeQuery("PRAGMA quick_check")) {
      result.next();
      if (!"ok".equals(result.getString(1))) {
        throw new StoreUnavailableException(database.getFileName() + " in the backup is damaged: " + result.getString(1), null);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException(database.getFileName() + " in the backup is no SQLite file: " + e.getMessage(), e);
    }
  }

  private static long events(Path log) {
    try (Connection connection = connect(log);
        Statement count = connection.createStatement();
        ResultSet rows = count.executeQuery("SELECT count(*) FROM events")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  /** A plain connection to one file, waiting out a writer's lock as the store's own connections do. */
  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
