package dev.petrel.queue;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/** Turns low-level failures into the two answers a caller acts on: full disk, or other failure. */
final class StorageFailures {

  /** SQLite's primary result code for "database or disk is full". */
  private static final int SQLITE_FULL = 13;

  /** PostgreSQL's SQLSTATE for a full disk (class 53, insufficient resources). */
  private static final String POSTGRESQL_DISK_FULL = "53100";

  /** What HikariCP says of a borrowed connection it closed because the server went away. */
  private static final String HIKARI_EVICTED = "Connection is closed";

  private StorageFailures() {}

  static StorageException of(IOException e, String doing) {
    if (isDiskFull(e)) return full("disk full while " + doing, e);
    return new StorageException(doing + " failed: " + e, e);
  }

  static StorageException of(SQLException e, String doing) {
    if ((e.getErrorCode() & 0xff) == SQLITE_FULL
        || POSTGRESQL_DISK_FULL.equals(e.getSQLState())
        || isDiskFull(e)) return full("disk full while " + doing, e);
    if (isUnreachable(e))
      return new StoreUnavailableException(
          doing + " failed: the database cannot be reached: " + e.getMessage(), e);
    return new StorageException(doing + " failed: " + e.getMessage(), e);
  }

  /**
   * PostgreSQL's SQLSTATEs of a server that is not there for us: class 08 (connection exception:
   * refused, broken, lost; https://www.postgresql.org/docs/current/errcodes-appendix.html), and
   * 57P01 to 57P03 (the server is shutting down, crashed, or is starting up). A pool that timed out
   * waiting for a connection says so with {@link java.sql.SQLTransientConnectionException}. When a
   * connection broke under one statement, HikariCP evicts it and answers every later call on the
   * same borrowed connection with a plain "Connection is closed" (no SQLSTATE): the same outage.
   */
  static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.net.ConnectException) return true;
      if (t instanceof SQLException s
          && s.getSQLState() == null
          && HIKARI_EVICTED.equals(s.getMessage())) return true;
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")) return true;
      }
      if (t.getCause() == t) break;
    }
    return false;
  }

  static StorageFullException full(String message, Throwable cause) {
    StorageFullException full = new StorageFullException(message);
    if (cause != null) full.initCause(cause);
    return full;
  }

  /** ENOSPC and EDQUOT, as the JDK reports them in the exception text. */
  static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null) continue;
      String lower = m.toLowerCase(Locale.ROOT);
      if (lower.contains("no space left on device")
          || lower.contains("disk quota exceeded")
          || lower.contains("database or disk is full")) return true;
    }
    return false;
  }
}
