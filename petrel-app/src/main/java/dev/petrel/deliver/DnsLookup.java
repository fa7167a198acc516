package dev.petrel.deliver;

import java.net.InetAddress;

/**
 * The DNS questions routing asks. {@link DnsJavaLookup} asks a real server; {@link InMemoryDns}
 * answers from a table (tests, and the simulator domain).
 *
 * <p>Implementations never throw for DNS or network trouble: that is a {@link
 * DnsAnswer.Status#FAILED} answer, which the caller treats as transient.
 */
public interface DnsLookup {

  /** One MX record: a preference (lower first) and an exchange host; {@code "."} is null MX. */
  record Mx(int preference, String exchange) {
    public Mx {
      if (preference < 0 || preference > 65535)
        throw new IllegalArgumentException("MX preference must be 0 to 65535");
      if (exchange == null || exchange.isEmpty())
        throw new IllegalArgumentException("MX exchange is required");
    }

    /** RFC 7505: a single MX of preference 0 whose exchange is the root says "no mail here". */
    public boolean isNull() {
      return exchange.equals(".");
    }
  }

  /** The MX records of {@code domain} (a name without trailing dot). */
  DnsAnswer<Mx> mx(String domain);

  /** The A and AAAA records of {@code host}, IPv4 first. */
  DnsAnswer<InetAddress> addresses(String host);

  /**
   * The TXT records of {@code name}, each one's strings joined into one text (MTA-STS discovery
   * asks {@code _mta-sts.DOMAIN}, RFC 8461 §3.1). A lookup that has no TXT support answers no data.
   */
  default DnsAnswer<String> txt(String name) {
    return DnsAnswer.noData(java.time.Duration.ZERO);
  }
}
