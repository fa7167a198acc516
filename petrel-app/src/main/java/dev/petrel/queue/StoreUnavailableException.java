package dev.petrel.queue;

/**
 * The store could not be reached (the database is down, restarting, or the network to it is cut);
 * nothing was changed. Callers answer as for any {@link StorageException} (451 4.3.0 over SMTP, 503
 * over HTTP) but need not log it: the store logs the loss once, and its recovery once.
 */
public class StoreUnavailableException extends StorageException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
