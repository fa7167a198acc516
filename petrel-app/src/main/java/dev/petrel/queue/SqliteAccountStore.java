package dev.petrel.queue;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@link AccountStore} on the embedded database, sharing the queue store's writer (so its writes
 * are grouped with message commits) and its pooled readers.
 *
 * <p>Keys are {@code pk_} followed by 32 random bytes in URL-safe base64 (256 bits), so a plain
 * SHA-256 of the key is a safe thing to store: unlike a password, there is nothing to guess. A key
 * chosen by the operator must be at least {@value #MIN_IMPORTED} characters.
 */
final class SqliteAccountStore implements AccountStore {

  static final String PREFIX = "pk_";
  static final int MIN_IMPORTED = 20;
  private static final int ID_LENGTH = PREFIX.length() + 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SqlMessageStore store;

  SqliteAccountStore(SqlMessageStore store) {
    this.store = store;
  }

  @Override
  public boolean createAccount(Account account) throws StorageException {
    return store
        .writer()
        .call(c -> AccountRows.createAccount(c, account), false, "creating " + account.name());
  }

  @Override
  public Optional<Account> findAccount(String name) throws StorageException {
    return Optional.ofNullable(
        store.readOne(c -> AccountRows.findAccount(c, name), "reading account " + name));
  }

  @Override
  public List<Account> accounts() throws StorageException {
    return store.readOne(AccountRows::accounts, "listing accounts");
  }

  @Override
  public boolean setPlan(String account, String plan) throws StorageException {
    return store
        .writer()
        .call(c -> AccountRows.setPlan(c, account, plan), false, "changing the plan of " + account);
  }

  @Override
  public ApiKey.Created createKey(String account, Instant now) throws StorageException {
    requireAccount(account);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String id = secret.substring(0, ID_LENGTH);
    store
        .writer()
        .call(
            c -> AccountRows.insertKey(c, id, account, hash(secret), now),
            false,
            "creating a key for " + account);
    return new ApiKey.Created(new ApiKey(id, account, now, null), secret);
  }

  @Override
  public ApiKey importKey(String account, String secret, Instant now) throws StorageException {
    requireAccount(account);
    if (secret == null || secret.length() < MIN_IMPORTED || secret.isBlank())
      throw new IllegalArgumentException(
          "an API key must be at least " + MIN_IMPORTED + " characters long");
    String hash = hash(secret);
    String[] existing = store.readOne(c -> AccountRows.keyByHash(c, hash), "reading keys");
    if (existing != null) {
      if (!existing[1].equals(account))
        throw new IllegalArgumentException("that key already belongs to another account");
      return keys(account).stream().filter(k -> k.id().equals(existing[0])).findFirst().get();
    }
    String id = "imp_" + hash.substring(0, 8);
    store
        .writer()
        .call(
            c -> AccountRows.insertKey(c, id, account, hash, now),
            false,
            "storing a key for " + account);
    return new ApiKey(id, account, now, null);
  }

  @Override
  public List<ApiKey> keys(String account) throws StorageException {
    return store.readOne(c -> AccountRows.keys(c, account), "listing the keys of " + account);
  }

  @Override
  public boolean revokeKey(String account, String id, Instant now) throws StorageException {
    return store
        .writer()
        .call(c -> AccountRows.revokeKey(c, account, id, now), false, "revoking key " + id);
  }

  @Override
  public Optional<String> authenticate(String secret) throws StorageException {
    if (secret == null || secret.isEmpty() || secret.length() > 512) return Optional.empty();
    String[] row = store.readOne(c -> AccountRows.keyByHash(c, hash(secret)), "checking a key");
    if (row == null || row[2].equals("1")) return Optional.empty();
    return Optional.of(row[1]);
  }

  @Override
  public long usage(String account, YearMonth month) throws StorageException {
    return store.readOne(c -> AccountRows.usage(c, account, month), "reading usage of " + account);
  }

  @Override
  public boolean markWarned(String account, YearMonth month) throws StorageException {
    return store
        .writer()
        .call(c -> AccountRows.markWarned(c, account, month), false, "marking quota warning");
  }

  @Override
  public void addEvent(Instant at, String account, String type, String messageId, String jsonData)
      throws StorageException {
    store
        .writer()
        .call(
            c -> {
              AccountRows.addEvent(c, at, account, type, messageId, jsonData);
              return null;
            },
            false,
            "recording event " + type);
  }

  @Override
  public Optional<IdempotentAnswer> idempotent(String account, String key, Instant notBefore)
      throws StorageException {
    return Optional.ofNullable(
        store.readOne(
            c -> AccountRows.idempotent(c, account, key, notBefore), "reading an idempotency key"));
  }

  @Override
  public void saveIdempotent(String account, String key, IdempotentAnswer answer, Instant now)
      throws StorageException {
    store
        .writer()
        .call(
            c -> {
              AccountRows.saveIdempotent(c, account, key, answer, now);
              return null;
            },
            false,
            "storing an idempotency key");
  }

  @Override
  public Optional<IdempotentAnswer> reserveIdempotent(
      String account, String key, String fingerprint, Instant now) throws StorageException {
    // Taking the key and reading what holds it are one write task: nothing can come between.
    return Optional.ofNullable(
        store
            .writer()
            .call(
                c ->
                    AccountRows.reserveIdempotent(c, account, key, fingerprint, now)
                        ? null
                        : AccountRows.idempotent(
                            c.connection(), account, key, now.minus(IDEMPOTENCY_RETENTION)),
                false,
                "taking an idempotency key"));
  }

  @Override
  public void releaseIdempotent(String account, String key) throws StorageException {
    store
        .writer()
        .call(c -> AccountRows.releaseIdempotent(c, account, key), false, "giving back a key");
  }

  private void requireAccount(String account) throws StorageException {
    if (findAccount(account).isEmpty())
      throw new IllegalArgumentException("no account named '" + account + "'");
  }

  static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
