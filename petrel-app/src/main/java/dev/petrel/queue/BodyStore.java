package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.Predicate;

/**
 * Where message bodies that do not fit a row are kept, one per queue id. A body is written as a
 * stream through a {@link Draft} and becomes visible, durably, only when the draft is published;
 * the message row is committed after that, so a crash leaves at most a body without a row, which
 * {@link #removeOrphans} takes away on the next start. Nothing here holds a whole body in memory.
 *
 * <p>The embedded store keeps bodies as files in the data folder ({@link BodyFiles}); a store
 * shared by several nodes needs an implementation every node can read.
 */
public interface BodyStore {

  /** A body being written. Used by one thread at a time. */
  interface Draft extends AutoCloseable {

    /** Appends the buffer's remaining bytes (the buffer is left empty). */
    void write(ByteBuffer bytes) throws IOException;

    /** Makes the complete body durable and visible under its id. */
    void publish() throws IOException;

    /**
     * Releases what the draft holds; never fails. An unpublished body stays invisible: {@link
     * #delete} removes its bytes, as does the next {@link #removeOrphans}.
     */
    @Override
    void close();
  }

  /** Starts writing the body of {@code id}; fails if a body of that id is being written. */
  Draft create(QueueId id) throws IOException;

  /** Reads a published body, as a stream. */
  InputStream open(QueueId id) throws IOException;

  /** The size of a published body in bytes. */
  long size(QueueId id) throws IOException;

  /**
   * Removes the body of {@code id}, published or not; a body already gone is fine. Never throws.
   */
  void delete(QueueId id);

  /**
   * Removes what a crash left: unpublished bodies, and published ones whose message has no row
   * (never committed, or deleted just before the crash). Must run only while no one else writes
   * bodies.
   *
   * @param hasRow whether a message row exists for an id (when in doubt, answer true)
   * @return how many bodies were removed
   */
  int removeOrphans(Predicate<QueueId> hasRow) throws IOException;
}
