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

  // ---- retention ----

  /**
   * Deletes finished messages last changed before {@code cutoff}: every recipient in a final state
   * (delivered, bounced, expired, suppressed, cancelled) and none in flight, the message not held,
   * and no webhook still to send one of its events. Their recipients, attempts, events and bodies
   * go; what statistics count of them is kept, so {@link #statistics} answers as before (per hour
   * for what was deleted). Suppression lists are never touched. Also deletes webhook delivery log
   * lines older than {@code cutoff}. Works in batches of at most {@code batch} messages, each its
   * own short write, so acceptance and delivery go on meanwhile; stops early when the calling
   * thread is interrupted.
   */
  default Pruned prune(java.time.Instant cutoff, int batch) throws StorageException {
    throw new UnsupportedOperationException("this store does not prune");
  }

  /** What {@link #prune} would delete at {@code cutoff} now (webhook log lines not counted). */
  default Pruned prunable(java.time.Instant cutoff) throws StorageException {
    throw new UnsupportedOperationException("this store does not prune");
  }

  /**
   * Webhook deliveries waiting: events handed out to a webhook and neither delivered nor given up
   * yet, whether due now or waiting for a retry (for the gauge).
   */
  default long webhookBacklog() throws StorageException {
    throw new UnsupportedOperationException("this store has no webhooks");
  }

  // ---- a shared database ----

  /**
   * Since when the store's database has not answered (a shared database that is down or cut off);
   * empty while it answers, and always for the embedded store.
   */
  default java.util.Optional<java.time.Instant> unreachableSince() {
    return java.util.Optional.empty();
  }

  /**
   * Calls {@code wake} with the name of the node that queued it each time another node on the same
   * database queues a message (PostgreSQL's LISTEN/NOTIFY), so this node's delivery need not wait
   * for its next poll; and once after the listening connection was lost and made again, since mail
   * may have been queued meanwhile. Does nothing for the embedded store, which has no other node.
   * Closing the answer stops listening.
   */
  default AutoCloseable listenForNewMail(java.util.function.Consumer<String> wake) {
    return () -> {};
  }

  /** Closes the store cleanly (pending commits finish first). */
  @Override
  void close() throws StorageException;
}
