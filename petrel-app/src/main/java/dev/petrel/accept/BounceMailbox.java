package dev.petrel.accept;

import dev.petrel.model.EmailAddress;
import dev.petrel.queue.StorageException;
import java.util.List;
import java.util.Optional;

/**
 * The listener's view of the bounce domain: mail to it is a report about a message Petrel sent, to
 * be read, never queued for delivery. The application wires the reader in; a session without one
 * treats every address alike.
 *
 * <p>Implementations are thread-safe. A {@link StorageException} means the store could not answer
 * or write: the session replies 4xx and the client tries again later.
 */
public interface BounceMailbox {

  /** Whether the address is on the bounce domain (its local part not yet checked). */
  boolean isBounceAddress(EmailAddress address);

  /**
   * Why this bounce-domain address takes no mail, in words for a 550 5.1.1 reply; empty when it is
   * a return path this installation issued for a message still in the queue.
   */
  Optional<String> refusal(EmailAddress address) throws StorageException;

  /**
   * Reads one mail sent to accepted return paths and records what it reports, durably, before
   * returning a one-line summary for the log. The mail may be cut short of its end when it is very
   * long (see {@link BounceIntake}); a bounce's report comes first.
   */
  String receive(List<EmailAddress> recipients, byte[] mail) throws StorageException;
}
