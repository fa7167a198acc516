package dev.petrel.accounts;

import java.time.Instant;

/**
 * An API key as listings show it: never the secret, only its public id (the key's first characters)
 * so people can tell keys apart.
 *
 * @param id the public part, e.g. {@code pk_3f9a2c1b}
 * @param account the account the key acts for
 * @param created when it was made
 * @param revoked when it was revoked, null while it works
 */
public record ApiKey(String id, String account, Instant created, Instant revoked) {

  /** A key just made: the only moment its secret is known. */
  public record Created(ApiKey key, String secret) {}
}
