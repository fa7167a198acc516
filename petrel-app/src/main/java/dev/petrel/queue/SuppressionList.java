package dev.petrel.queue;

import java.util.List;
import java.util.Optional;

/** Each account's list of addresses not to send to. A role of {@link MessageStore}. */
public interface SuppressionList {

  /** Adds (or replaces) an entry of a suppression list. True when the address was not on it. */
  boolean addSuppression(Suppression suppression) throws StorageException;

  /** Adds (or replaces) many entries in one atomic step: all or none. Returns how many were new. */
  default int addSuppressions(List<Suppression> suppressions) throws StorageException {
    int added = 0;
    for (Suppression s : suppressions) if (addSuppression(s)) added++;
    return added;
  }

  /** Removes an address from an account's list. False when it was not on it. */
  boolean removeSuppression(String account, String address) throws StorageException;

  /** One entry, if the address is on the account's list (case-insensitive). */
  Optional<Suppression> findSuppression(String account, String address) throws StorageException;

  /** An account's list, oldest first, at most {@code limit}. */
  List<Suppression> suppressions(String account, int limit) throws StorageException;
}
