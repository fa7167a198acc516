package dev.petrel.accounts;

import dev.petrel.queue.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SMTP logins, kept in the store so that every node sharing it accepts the same ones and a backup
 * of the database carries them. Only the hash of a password is stored; hashing and checking are the
 * caller's (the listener's credential check).
 */
public interface LoginStore {

  /** A login: its name, the account its mail belongs to, and the stored password hash. */
  record Login(String user, String account, String hash, Instant added) {
    public Login {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(added, "added");
    }
  }

  /** Adds a login; false (and nothing changed) when a login of that name exists. */
  boolean addLogin(Login login) throws StorageException;

  /** The login of that name, if any. */
  Optional<Login> login(String user) throws StorageException;

  /** Every login (or those of one account when {@code account} is not null), oldest first. */
  List<Login> logins(String account) throws StorageException;

  /**
   * Removes a login; when {@code account} is not null, only if the login belongs to it.
   *
   * @return false when there was no such login
   */
  boolean removeLogin(String user, String account) throws StorageException;
}
