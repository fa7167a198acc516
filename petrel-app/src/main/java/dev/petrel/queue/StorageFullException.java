package dev.petrel.queue;

/** Free disk space is below the reserve; nothing was kept. An SMTP client gets 452 4.3.1. */
public class StorageFullException extends StorageException {
  public StorageFullException(String message) {
    super(message);
  }
}
