package dev.petrel.deliver;

/**
 * What routing found for a domain: a {@link Route}, or the reason there is none. Each reason maps
 * to a fixed result without any connection (see {@link LocalReplies}).
 */
public sealed interface Resolution {

  String domain();

  /** Servers to try. */
  record Routed(Route route) implements Resolution {
    @Override
    public String domain() {
      return route.domain();
    }
  }

  /** The domain publishes a null MX (RFC 7505): it accepts no mail. 556 5.1.10, notaccept. */
  record NullMx(String domain) implements Resolution {}

  /**
   * The domain does not exist (NXDOMAIN), or exists with neither MX nor address records (RFC 5321
   * §5.1: not mail-routable). 5.1.2, hostunknown.
   */
  record NoSuchDomain(String domain, String detail) implements Resolution {}

  /** MX records exist but none of their hosts has an address. 5.4.4. */
  record Unroutable(String domain, String detail) implements Resolution {}

  /**
   * Every server found through DNS or the address literal is at an internal address (loopback,
   * private, link-local...) the operator has not allowed: Petrel's own policy, not a fault of the
   * address. 5.7.1, norelaying (a soft bounce; never suppressed).
   */
  record Refused(String domain, String detail) implements Resolution {}

  /** DNS did not answer usefully (SERVFAIL, timeout): try again later. 4.4.3. */
  record LookupFailed(String domain, String detail) implements Resolution {}
}
