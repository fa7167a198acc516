package dev.petrel.queue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Connections to the queue database, all set up alike: WAL journal (readers never block the
 * writer), {@code synchronous=FULL} (a commit is fsync'd before it returns), foreign keys on, and a
 * busy timeout so the command line and {@code serve} wait for each other instead of failing. Reads
 * share a small pool; the single write connection belongs to {@link GroupCommitWriter}.
 */
final class SqliteConnections implements AutoCloseable {

  private static final int MAX_READERS = 4;

  private final String url;
  private final SQLiteConfig writeConfig;
  private final SQLiteConfig readConfig;
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(MAX_READERS);
  private final AtomicInteger readers = new AtomicInteger();
  private volatile boolean closed;

  SqliteConnections(Path database, int busyTimeoutMillis) {
    this.url = "jdbc:sqlite:" + database.toAbsolutePath();
    this.writeConfig = config(busyTimeoutMillis);
    this.readConfig = config(busyTimeoutMillis);
    readConfig.setReadOnly(true);
  }

  private static SQLiteConfig config(int busyTimeoutMillis) {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.enforceForeignKeys(true);
    c.setBusyTimeout(busyTimeoutMillis);
    // keeps the WAL file from staying large after a burst, once checkpointed
    c.setJournalSizeLimit(64 * 1024 * 1024);
    return c;
  }

  /** A data source with the write settings, for the schema migrations. */
  SQLiteDataSource migrationDataSource() {
    SQLiteDataSource ds = new SQLiteDataSource(writeConfig);
    ds.setUrl(url);
    return ds;
  }

  Connection openWriter() throws SQLException {
    return writeConfig.createConnection(url);
  }

  /** A read connection from the pool (waits when all are busy); give it back with release. */
  Connection borrowReader() throws SQLException {
    if (closed) throw new SQLException("the store is closed");
    Connection c = idle.poll();
    if (c != null) return c;
    if (readers.incrementAndGet() <= MAX_READERS) {
      try {
        return readConfig.createConnection(url);
      } catch (SQLException | RuntimeException e) {
        readers.decrementAndGet();
        throw e;
      }
    }
    readers.decrementAndGet();
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a database connection", e);
    }
  }

  void release(Connection c) {
    if (closed || !idle.offer(c)) {
      readers.decrementAndGet();
      closeQuietly(c);
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      readers.decrementAndGet();
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
