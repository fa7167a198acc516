package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The queue's durable store (SPEC §5): the only owner of message state. One interface, an embedded
 * implementation (SQLite in the data folder) and later a PostgreSQL one; callers never see which.
 *
 * <p>Exceptions say what the caller should answer: {@link StorageFullException} means "452 4.3.1,
 * try later, nothing was kept"; {@link StorageException} means "451 4.3.0, nothing was kept". After
 * {@link Spool#commit()} returns, the message and its envelope are on stable storage (fsync'd).
 *
 * <p>Implementations are thread-safe.
 */
public interface MessageStore extends AutoCloseable {

  /**
   * Starts receiving a message: allocates its queue id and a place for the body, which the caller
   * then streams into {@link Spool#body()}.
   *
   * @throws StorageFullException when free disk space is below the configured reserve
   * @throws StorageException when the store cannot take the message now
   */
  Spool begin(Envelope envelope) throws StorageException;

  /** One message's envelope, size, recipients and their states; empty when unknown. */
  Optional<StoredMessage> find(QueueId id) throws StorageException;

  /** Messages in queue order (oldest first), at most {@code limit}. */
  List<StoredMessage> list(int limit) throws StorageException;

  /** Opens the stored body (as received, with Petrel's Received header first). */
  InputStream openBody(QueueId id) throws IOException;

  /** Holds a message: delivery does not touch it until released. False when the id is unknown. */
  boolean hold(QueueId id) throws StorageException;

  /** Releases a held message. False when the id is unknown. */
  boolean release(QueueId id) throws StorageException;

  /** Deletes a message and its body. False when the id is unknown. */
  boolean delete(QueueId id) throws StorageException;

  /** Closes the store cleanly (pending commits finish first). */
  @Override
  void close() throws StorageException;
}
