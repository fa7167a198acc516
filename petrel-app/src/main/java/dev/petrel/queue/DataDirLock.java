package dev.petrel.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks a data folder as owned by one running {@code petrel serve}: an OS file lock on {@code
 * <data-dir>/petrel.lock}, which also records the owner's process id for the message a second start
 * gets. The lock goes away with the process, so a killed server never leaves a stale lock.
 *
 * <p>Only {@code serve} takes it. The {@code queue} commands open the store without it: SQLite
 * arbitrates their concurrent access to the database.
 */
public final class DataDirLock implements AutoCloseable {

  /** The lock file's name inside the data folder. */
  public static final String FILE_NAME = "petrel.lock";

  /**
   * A command line that opens the store takes the lock for a moment to clean up after a crash, so a
   * server starting at that instant waits this long before it gives up.
   */
  private static final long GRACE_MILLIS = 3_000;

  /** Folders (real paths) locked by this process: file locks are per process, not per channel. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  /** Another process holds the data folder. */
  public static final class InUseException extends IOException {
    private final long pid;

    InUseException(Path dataDir, long pid) {
      super(
          "data folder "
              + dataDir
              + " is in use by another petrel serve ("
              + (pid > 0 ? "pid " + pid : "pid unknown")
              + ")");
      this.pid = pid;
    }

    /** The owner's process id, or -1 when the lock file did not say. */
    public long pid() {
      return pid;
    }
  }

  private final Path dataDir;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
    this.dataDir = dataDir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the data folder for this process, creating the folder if needed.
   *
   * @throws InUseException when another {@code petrel serve} (or this process already) holds it
   * @throws IOException when the lock file cannot be created or written
   */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    PrivateFiles.createDirectories(dataDir);
    Path real = dataDir.toRealPath();
    if (!HELD.add(real)) throw new InUseException(dataDir, ProcessHandle.current().pid());
    FileChannel channel = null;
    try {
      channel =
          PrivateFiles.open(
              real.resolve(FILE_NAME),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock = lockWithGrace(channel);
      if (lock == null) throw new InUseException(dataDir, readPid(channel));
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new DataDirLock(real, channel, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(real);
      if (channel != null) closeQuietly(channel);
      throw e;
    }
  }

  private static FileLock lockWithGrace(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // a store of this process is cleaning up under the lock for a moment
      }
      if (lock != null || System.nanoTime() - deadline > 0) return lock;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private static long readPid(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Runs {@code work} only if nothing else can be writing message files in the folder: this process
   * holds the folder's lock, or the lock is free and is taken for the duration of the work. Returns
   * false (without running it) when another process holds the folder.
   */
  static boolean whileExclusive(Path dataDir, IoAction work) throws IOException {
    Path real = dataDir.toRealPath();
    if (HELD.contains(real)) {
      work.run();
      return true;
    }
    try (FileChannel channel =
        PrivateFiles.open(
            real.resolve(FILE_NAME),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return false; // another part of this process is doing the same just now
      }
      if (lock == null) return false;
      try {
        work.run();
        return true;
      } finally {
        lock.release();
      }
    }
  }

  /** An action on files that may fail. */
  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }

  /** The data folder this lock holds (its real path). */
  public Path dataDir() {
    return dataDir;
  }

  /** Releases the folder. The lock file stays: removing it would race with a starting server. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      lock.release();
    } finally {
      HELD.remove(dataDir);
      channel.close();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to do for a channel we failed to set up
    }
  }
}
