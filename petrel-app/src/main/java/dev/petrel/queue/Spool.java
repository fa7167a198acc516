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

  /** Discards an uncommitted message; does nothing after commit. Never throws. */
  @Override
  void close();
}
