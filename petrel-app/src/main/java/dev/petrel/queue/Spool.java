package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.OutputStream;
import java.util.List;

/**
 * A message being received. The session streams the body (DATA after dot-unstuffing, or BDAT
 * chunks) into {@link #body()}, then calls {@link #commit()}. Closing without commit discards
 * everything; a spool that was never committed leaves no trace after a crash either.
 */
public interface Spool extends AutoCloseable {

  QueueId id();

  /** Where the body goes; buffered by the store, never held whole in memory. */
  OutputStream body();

  /** Bytes written so far. */
  long size();

  /**
   * Tags and metadata to keep with the message, outside it: they are stored in the queue's rows
   * with the commit and never become part of what is delivered. Call before {@link #commit()}.
   *
   * @param tags each tag once, in the order given
   * @param metadata the text of a JSON object, or null for none
   */
  void label(List<String> tags, String metadata);

  /**
   * Makes the message durable: the body and the envelope are fsync'd before this returns. Commits
   * of concurrent sessions are grouped so that they share fsyncs.
   *
   * @throws StorageFullException when the disk filled up (nothing kept)
   * @throws StorageException when the write failed (nothing kept)
   */
  QueueId commit() throws StorageException;

  /**
   * As {@link #commit()}, only if the account's count of recipients this month (UTC), with this
   * message's, stays within {@code monthlyLimit}: counting and checking are one step, so of
   * concurrent messages (on any number of nodes) exactly those that fit are kept, never more.
   *
   * @throws QuotaExceededException when the message does not fit (nothing kept)
   * @throws UnsupportedOperationException when the store keeps no counts (test doubles)
   */
  default QueueId commit(long monthlyLimit) throws StorageException {
    throw new UnsupportedOperationException("this store does not count recipients");
  }

  /** Discards an uncommitted message; does nothing after commit. Never throws. */
  @Override
  void close();
}
