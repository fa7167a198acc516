package dev.petrel.queue;

import java.time.Duration;

/**
 * Settings of the embedded store, validated once when built.
 *
 * @param reserveBytes free space the data folder's disk must keep; below it new messages are
 *     refused with {@link StorageFullException} (452 4.3.1)
 * @param busyTimeout how long a statement waits for another process's lock on the database (the
 *     command line changes the queue while {@code serve} runs)
 * @param maxGroupSize the most writes one transaction (one fsync) takes from the writer's queue
 * @param createIfMissing whether opening creates a missing data folder ({@code serve} does, the
 *     {@code queue} commands should not)
 * @param inlineSmallBodies whether a body that fits the spool's first 64 KiB buffer is committed
 *     inside the database transaction instead of as a file of its own: it then shares the group's
 *     single fsync instead of needing two of its own (file and folder)
 * @param node the name this process's delivery leases carry, {@value #LOCAL_NODE} by default: at a
 *     start after a crash, or at a clean stop, a node ends its own leases and no other node's. One
 *     data folder has one node at a time (the data-folder lock), so the default stays the same
 *     across restarts, even when the host name changes (a new container); stores opened side by
 *     side as separate nodes (tests) name theirs
 */
public record SqliteStoreOptions(
    long reserveBytes,
    Duration busyTimeout,
    int maxGroupSize,
    boolean createIfMissing,
    boolean inlineSmallBodies,
    String node) {

  /** 100 MiB: enough left for logs, the WAL's next checkpoint and the operator's own work. */
  public static final long DEFAULT_RESERVE = 100L * 1024 * 1024;

  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

  public static final int DEFAULT_MAX_GROUP_SIZE = 512;

  /** The node name of a data folder's single node. */
  public static final String LOCAL_NODE = "local";

  public SqliteStoreOptions {
    if (reserveBytes < 0) throw new IllegalArgumentException("reserve must not be negative");
    if (busyTimeout == null
        || busyTimeout.isNegative()
        || busyTimeout.toMillis() > Integer.MAX_VALUE)
      throw new IllegalArgumentException("busy timeout must be between 0 and 2^31 ms");
    if (maxGroupSize < 1) throw new IllegalArgumentException("group size must be at least 1");
    if (node == null || node.isBlank()) throw new IllegalArgumentException("a node name is needed");
  }

  /**
   * The defaults for {@code serve}: 100 MiB reserve, 10 s busy timeout, folder created, small
   * bodies inline.
   */
  public static SqliteStoreOptions defaults() {
    return new SqliteStoreOptions(
        DEFAULT_RESERVE, DEFAULT_BUSY_TIMEOUT, DEFAULT_MAX_GROUP_SIZE, true, true, LOCAL_NODE);
  }

  /** For commands that look at an existing queue: a missing data folder is an error. */
  public static SqliteStoreOptions existingFolder() {
    return defaults().withCreateIfMissing(false);
  }

  public SqliteStoreOptions withReserveBytes(long bytes) {
    return new SqliteStoreOptions(
        bytes, busyTimeout, maxGroupSize, createIfMissing, inlineSmallBodies, node);
  }

  public SqliteStoreOptions withBusyTimeout(Duration timeout) {
    return new SqliteStoreOptions(
        reserveBytes, timeout, maxGroupSize, createIfMissing, inlineSmallBodies, node);
  }

  public SqliteStoreOptions withMaxGroupSize(int size) {
    return new SqliteStoreOptions(
        reserveBytes, busyTimeout, size, createIfMissing, inlineSmallBodies, node);
  }

  public SqliteStoreOptions withCreateIfMissing(boolean create) {
    return new SqliteStoreOptions(
        reserveBytes, busyTimeout, maxGroupSize, create, inlineSmallBodies, node);
  }

  public SqliteStoreOptions withInlineSmallBodies(boolean inline) {
    return new SqliteStoreOptions(
        reserveBytes, busyTimeout, maxGroupSize, createIfMissing, inline, node);
  }

  /**
   * These options with another node name (several nodes sharing one database need distinct ones).
   */
  public SqliteStoreOptions withNode(String name) {
    return new SqliteStoreOptions(
        reserveBytes, busyTimeout, maxGroupSize, createIfMissing, inlineSmallBodies, name);
  }
}
