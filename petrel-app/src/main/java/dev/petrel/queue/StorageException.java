package dev.petrel.queue;

/** The store could not do what was asked; nothing was changed. An SMTP client gets 451 4.3.0. */
public class StorageException extends Exception {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
