package dev.petrel.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's writes: each one is a transaction of its own on a connection of the pool,
 * committed before the call returns (with PostgreSQL's default {@code synchronous_commit}, once the
 * commit is on stable storage). Unlike the embedded store there is no single writer: concurrent
 * writes (from this node's threads and from other nodes) meet in the database, where row locks and
 * each update's own condition decide. A transaction PostgreSQL ends because it deadlocked, or could
 * not serialize, is retried: a task only touches the database, so running it again is safe.
 */
final class PostgresWriter implements SqlWriter {

  /** deadlock_detected, serialization_failure: the transaction was rolled back and may be rerun. */
  private static final Set<String> RETRYABLE = Set.of("40P01", "40001");

  private static final int TRIES = 5;

  private final DataSource pool;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  PostgresWriter(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public <T> T call(GroupCommitWriter.Task<T> task, boolean message, String doing)
      throws StorageException {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(false);
        GroupCommitWriter.Context context =
            new GroupCommitWriter.Context(connection, SqlDialect.POSTGRESQL);
        try {
          T result = task.run(context);
          connection.commit();
          transactions.incrementAndGet();
          writes.incrementAndGet();
          if (message) messages.incrementAndGet();
          return result;
        } catch (GroupCommitWriter.Refused refused) {
          rollbackQuietly(connection);
          throw refused.answer;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection);
          throw e;
        } finally {
          context.closeStatements();
        }
      } catch (SQLException e) {
        if (attempt < TRIES && e.getSQLState() != null && RETRYABLE.contains(e.getSQLState()))
          continue;
        throw StorageFailures.of(e, doing);
      } catch (RuntimeException e) {
        throw new StorageException(doing + " failed: " + e, e);
      }
    }
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(transactions.get(), messages.get(), writes.get());
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the pool drops it
    }
  }
}
