package dev.uptake.store.sqlite;

import dev.uptake.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <dataDir>/uptake.lock}, held while a process appends to the event
 * log. The writer numbers events itself, so two appending processes would collide; the operating
 * system releases the lock when the process dies, so a crash never leaves it stuck.
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve("uptake.lock");
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process
      }
      if (lock == null) {
        channel.close();
        throw new StoreUnavailableException(
            "another Uptake server is already running on " + dataDir
                + "; stop it, or give this one its own --data directory",
            null);
      }
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot lock " + file + ": " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The lock dies with the channel or the process anyway.
    }
  }
}
