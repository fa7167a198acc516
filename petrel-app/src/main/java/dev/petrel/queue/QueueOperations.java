package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.time.Instant;
import java.util.Set;

/**
 * What an operator does to the queue: hold, release, delete, retry now, cancel, pause and resume
 * destinations. A role of {@link MessageStore}.
 */
public interface QueueOperations {

  /** Holds a message: delivery does not touch it until released. False when the id is unknown. */
  boolean hold(QueueId id) throws StorageException;

  /** Releases a held message. False when the id is unknown. */
  boolean release(QueueId id) throws StorageException;

  /** Deletes a message and its body. False when the id is unknown. */
  boolean delete(QueueId id) throws StorageException;

  /**
   * Makes the selected recipients that still wait (queued or deferred, not in flight) due at {@code
   * now}. Returns how many.
   */
  int retryNow(Selection selection, Instant now) throws StorageException;

  /** Moves the selected recipients that are not final to {@code cancelled}. Returns how many. */
  int cancel(Selection selection, Instant now) throws StorageException;

  /** Pauses delivery to one domain, or to all when {@code domain} is null. Acceptance goes on. */
  void pause(String domain, Instant now) throws StorageException;

  /** Resumes a paused domain, or lifts the pause of everything when {@code domain} is null. */
  void resume(String domain) throws StorageException;

  /** The paused domains; the empty string stands for "everything". */
  Set<String> paused() throws StorageException;
}
