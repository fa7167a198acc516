package dev.petrel.queue;

import java.time.Instant;

/**
 * An MTA-STS policy (RFC 8461) fetched for a recipient domain and kept for its {@code max_age} (RFC
 * 8461 §5.1).
 *
 * @param domain the recipient domain, lower case
 * @param id the id of the {@code _mta-sts} TXT record it was fetched under
 * @param policy the policy file as received
 * @param fetched when it was fetched
 * @param expires when it must no longer be used
 */
public record KeptPolicy(
    String domain, String id, String policy, Instant fetched, Instant expires) {

  public KeptPolicy {
    if (domain == null || id == null || policy == null || fetched == null || expires == null)
      throw new IllegalArgumentException("every field of a kept policy is required");
  }
}
