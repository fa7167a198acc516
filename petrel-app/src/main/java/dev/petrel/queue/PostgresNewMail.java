package dev.petrel.queue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears other nodes queue mail: a connection of its own (outside the pool, so that a busy pool
 * never delays it) runs {@code LISTEN} on {@value #CHANNEL} and waits for notifications, which each
 * message's insert sends with {@code pg_notify} in its own transaction, so they arrive only once
 * the message is committed (https://www.postgresql.org/docs/current/sql-notify.html). The payload
 * is the sending connection's application name, which names its node; this node's own notifications
 * are skipped (its listener already wakes its delivery).
 *
 * <p>When the connection is lost it is made again, at growing intervals up to {@link #MAX_BACKOFF}
 * milliseconds; after it is back, {@code wake} is called once, for whatever was queued meanwhile.
 * The loss and the return are logged once each.
 */
final class PostgresNewMail implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("store");

  static final String CHANNEL = "petrel_new_mail";

  /** What each message's insert runs on PostgreSQL. */
  static final String NOTIFY =
      "SELECT pg_notify('" + CHANNEL + "', current_setting('application_name'))";

  /** How long one wait for notifications lasts before the connection is checked again. */
  private static final int WAIT_MILLIS = 5_000;

  private static final long MAX_BACKOFF = 5_000;

  private final String jdbcUrl;
  private final Properties login;
  private final String self;
  private final String where;
  private final Consumer<String> wake;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  PostgresNewMail(
      String jdbcUrl, Properties login, String self, String where, Consumer<String> wake) {
    this.jdbcUrl = jdbcUrl;
    this.login = login;
    this.self = self;
    this.where = where;
    this.wake = wake;
    this.thread = Thread.ofPlatform().name("petrel-new-mail").daemon(true).start(this::run);
  }

  private void run() {
    long backoff = 100;
    boolean lost = false;
    while (running) {
      try (Connection c = DriverManager.getConnection(jdbcUrl, login)) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        if (lost) {
          LOG.info("store: listening for other nodes' new mail again on {}", where);
          lost = false;
          wake.accept(null);
        }
        backoff = 100;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
          if (got == null || got.length == 0) {
            // Nothing for a while: a query proves the connection still stands.
            if (!c.isValid(5)) throw new SQLException("the listening connection broke", "08006");
            continue;
          }
          String from = null;
          boolean other = false;
          for (PGNotification n : got)
            if (!self.equals(n.getParameter())) {
              other = true;
              from = nodeOf(n.getParameter());
            }
          if (other) wake.accept(from);
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) return;
        if (!lost)
          LOG.warn(
              "store: lost the connection that hears other nodes' new mail on {} ({}); delivery"
                  + " polls until it is back",
              where,
              e.getMessage());
        lost = true;
      } finally {
        connection = null;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF, backoff * 2);
    }
  }

  /** The node an application name names ({@code petrel:NODE}), or the name as it is. */
  static String nodeOf(String applicationName) {
    String prefix = PostgresMessageStore.applicationName("");
    return applicationName != null && applicationName.startsWith(prefix)
        ? applicationName.substring(prefix.length())
        : applicationName;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    Connection c = connection;
    if (c != null)
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
