package dev.petrel.queue;

/**
 * The queue's durable store: the only owner of message state. One interface, an embedded
 * implementation (SQLite in the data folder) and later a PostgreSQL one; callers never see which.
 *
 * <p>Exceptions say what the caller should answer: {@link StorageFullException} means "452 4.3.1,
 * try later, nothing was kept"; {@link StorageException} means "451 4.3.0, nothing was kept". After
 * {@link Spool#commit()} returns, the message and its envelope are on stable storage (fsync'd).
 *
 * <p>It is the sum of its roles, so that a part of the application can depend on just the one it
 * uses: {@link Intake}, {@link MessageQueries}, {@link QueueOperations}, {@link DeliveryQueue},
 * {@link SuppressionList} and {@link StatisticsSource}.
 *
 * <p>Implementations are thread-safe.
 */
public interface MessageStore
    extends Intake,
        MessageQueries,
        QueueOperations,
        DeliveryQueue,
        SuppressionList,
        StatisticsSource,
        AutoCloseable {

  /** Closes the store cleanly (pending commits finish first). */
  @Override
  void close() throws StorageException;
}
