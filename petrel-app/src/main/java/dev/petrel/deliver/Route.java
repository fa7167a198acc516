package dev.petrel.deliver;

import java.util.List;

/**
 * Where mail for one domain goes: the servers to try, best first.
 *
 * @param domain the recipient domain
 * @param destination the key concurrency and rate limits are kept under: the domain, or the relay
 *     host when everything goes through one
 * @param kind how the route was found
 * @param targets at least one, in the order to try (MX preference; equal preferences shuffled)
 */
public record Route(String domain, String destination, Kind kind, List<MxTarget> targets) {

  public enum Kind {
    /** MX records from DNS. */
    MX,
    /** No MX records: the domain's own address records (RFC 5321 §5.1). */
    IMPLICIT_MX,
    /** A static route configured for the domain. */
    STATIC,
    /** The relay host that takes all mail. */
    RELAY
  }

  public Route {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) throw new IllegalArgumentException("a route needs a target");
  }
}
