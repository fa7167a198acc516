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

  private StorageFailures() {}

  static StorageException of(IOException e, String doing) {
    if (isDiskFull(e)) return full("disk full while " + doing, e);
    return new StorageException(doing + " failed: " + e, e);
  }

  static StorageException of(SQLException e, String doing) {
    if ((e.getErrorCode() & 0xff) == SQLITE_FULL
        || POSTGRESQL_DISK_FULL.equals(e.getSQLState())
        || isDiskFull(e)) return full("disk full while " + doing, e);
    return new StorageException(doing + " failed: " + e.getMessage(), e);
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
