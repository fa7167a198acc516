package dev.petrel.queue;

/**
 * Runs a write of the row classes in a transaction and answers once it is committed: the embedded
 * store's single {@link GroupCommitWriter}, or a transaction on a pooled connection for PostgreSQL.
 */
interface SqlWriter {

  /**
   * Runs {@code task} in a transaction and waits until it is committed (or failed).
   *
   * @param message whether this write queues a message (for {@link StoreStats})
   * @param doing what the write is, for the exception text
   * @throws StorageException when the write failed (nothing of it kept), or the task's own answer
   *     ({@link GroupCommitWriter.Refused})
   */
  <T> T call(GroupCommitWriter.Task<T> task, boolean message, String doing) throws StorageException;

  /** Counters of the writes so far. */
  StoreStats stats();
}
