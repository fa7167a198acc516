package dev.petrel.queue;

import dev.petrel.model.Envelope;

/**
 * Taking messages in: the listener's and the API's one need of the store. A role of {@link
 * MessageStore}.
 */
public interface Intake {

  /**
   * Starts receiving a message: allocates its queue id and a place for the body, which the caller
   * then streams into {@link Spool#body()}.
   *
   * @throws StorageFullException when free disk space is below the configured reserve
   * @throws StorageException when the store cannot take the message now
   */
  Spool begin(Envelope envelope) throws StorageException;
}
