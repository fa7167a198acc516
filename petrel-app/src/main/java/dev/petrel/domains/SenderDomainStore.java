package dev.petrel.domains;

import dev.petrel.queue.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sender domains and their DKIM keys, in the same store as accounts.
 *
 * <p>Exceptions: {@link StorageException} means the store could not answer now; nothing was
 * changed.
 */
public interface SenderDomainStore {

  /**
   * Adds a domain. False, and nothing changed, when the domain is already stored (for any account:
   * a domain belongs to one account).
   *
   * @throws IllegalArgumentException when the account does not exist
   */
  boolean addDomain(SenderDomain domain) throws StorageException;

  /** The domain, whichever account holds it. */
  Optional<SenderDomain> findDomain(String domain) throws StorageException;

  /** The domains of one account, or of every account when {@code account} is null, by name. */
  List<SenderDomain> domains(String account) throws StorageException;

  /**
   * Stores the result of a DNS check.
   *
   * @param verified the new verification time, or null to mark the domain not verified
   * @return false when the domain is not stored
   */
  boolean recordCheck(String domain, Instant checked, Instant verified, String resultJson)
      throws StorageException;

  /** Removes a domain of an account (its mail is no longer signed). False when there is none. */
  boolean removeDomain(String account, String domain) throws StorageException;
}
