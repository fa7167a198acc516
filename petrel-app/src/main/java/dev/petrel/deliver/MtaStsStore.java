package dev.petrel.deliver;

import java.time.Instant;

/**
 * Where fetched MTA-STS policies are kept for their {@code max_age} (RFC 8461 §5.1), so a restart
 * or another node on the same store does not fetch again. The queue store implements it; {@link
 * #MEMORY} keeps nothing beyond the process's own cache.
 */
public interface MtaStsStore {

  /**
   * One kept policy.
   *
   * @param domain the recipient domain
   * @param policy the policy with the TXT id it was fetched under
   * @param fetched when it was fetched
   * @param expires when it must no longer be used ({@code fetched + max_age})
   */
  record Cached(String domain, MtaStsPolicy policy, Instant fetched, Instant expires) {}

  /** The kept policy of {@code domain}, or null. Never throws; trouble reads as none. */
  Cached load(String domain);

  /** Keeps a policy, replacing the domain's previous one. Never throws. */
  void save(Cached cached);

  MtaStsStore MEMORY =
      new MtaStsStore() {
        @Override
        public Cached load(String domain) {
          return null;
        }

        @Override
        public void save(Cached cached) {}
      };
}
