package dev.petrel.accounts;

import dev.petrel.queue.StorageException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

/**
 * Accounts, API keys and monthly usage, kept in the same store as the queue so a usage count is
 * written in the same transaction as the message it counts.
 *
 * <p>Exceptions: {@link StorageException} means the store could not answer now (the caller answers
 * with a temporary failure); nothing was changed.
 */
public interface AccountStore {

  /** Creates an account. False, and nothing changed, when the name is taken. */
  boolean createAccount(Account account) throws StorageException;

  Optional<Account> findAccount(String name) throws StorageException;

  /** Every account, by name. */
  List<Account> accounts() throws StorageException;

  /** Changes an account's plan. False when the account is unknown. */
  boolean setPlan(String account, String plan) throws StorageException;

  /**
   * Makes a new random key for an account and returns it with its secret, which is shown once and
   * never stored (only its SHA-256 is).
   *
   * @throws IllegalArgumentException when the account is unknown
   */
  ApiKey.Created createKey(String account, Instant now) throws StorageException;

  /**
   * Stores a key whose secret the operator chose (e.g. {@code PETREL_BOOTSTRAP_API_KEY}). Does
   * nothing when that exact secret is already stored for the account.
   *
   * @throws IllegalArgumentException when the account is unknown, the secret is too short, or the
   *     secret belongs to another account
   */
  ApiKey importKey(String account, String secret, Instant now) throws StorageException;

  /** The keys of an account (revoked ones too), oldest first. */
  List<ApiKey> keys(String account) throws StorageException;

  /** Revokes a key by its public id. False when the account has no such key. */
  boolean revokeKey(String account, String id, Instant now) throws StorageException;

  /** The account a secret acts for; empty when the secret is unknown or revoked. */
  Optional<String> authenticate(String secret) throws StorageException;

  /** Accepted recipients of an account in a calendar month (UTC). */
  long usage(String account, YearMonth month) throws StorageException;

  /**
   * Marks that the 90 % warning of a month was raised. True only for the first caller, so the event
   * is raised once per account and month even with several nodes.
   */
  boolean markWarned(String account, YearMonth month) throws StorageException;

  /** The first answer given to an {@code Idempotency-Key}. */
  record IdempotentAnswer(String fingerprint, int status, String response) {}

  /** The answer stored for an account's key since {@code notBefore}; empty when none. */
  Optional<IdempotentAnswer> idempotent(String account, String key, Instant notBefore)
      throws StorageException;

  /** How long the answer to an {@code Idempotency-Key} is kept: 24 hours. */
  java.time.Duration IDEMPOTENCY_RETENTION = java.time.Duration.ofHours(24);

  /**
   * Stores the answer to an account's key, unless an answer younger than {@link
   * #IDEMPOTENCY_RETENTION} is already stored: the first answer stands (two nodes that raced with
   * the same key do not replace each other's), an older one, or the key's reservation, is replaced.
   */
  void saveIdempotent(String account, String key, IdempotentAnswer answer, Instant now)
      throws StorageException;

  /**
   * Takes an {@code Idempotency-Key} for one request before it is carried out, in one step: of
   * concurrent requests with the same key (on any number of nodes) exactly one gets an empty answer
   * and carries the request out, then stores its answer with {@link #saveIdempotent} (or gives the
   * key back with {@link #releaseIdempotent} when it failed). The others get what is stored: the
   * first answer, or one with status 0 while the first request is still in progress. A key older
   * than {@link #IDEMPOTENCY_RETENTION} is taken as new.
   */
  Optional<IdempotentAnswer> reserveIdempotent(
      String account, String key, String fingerprint, Instant now) throws StorageException;

  /** Gives back a key taken by {@link #reserveIdempotent} whose request failed. */
  void releaseIdempotent(String account, String key) throws StorageException;

  /** Records an event (type, account, optional message and JSON data) for webhooks and stats. */
  void addEvent(Instant at, String account, String type, String messageId, String jsonData)
      throws StorageException;
}
