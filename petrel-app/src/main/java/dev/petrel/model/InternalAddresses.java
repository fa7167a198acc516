package dev.petrel.model;

import java.net.InetAddress;
import java.util.List;

/**
 * The IP address ranges that are not public Internet hosts: this machine, the local network, the
 * cloud's metadata service, multicast, and ranges reserved for documentation or future use. Petrel
 * does not connect to them on a tenant's behalf (webhooks, mail delivery by DNS or address literal)
 * unless the operator allows them; see {@link OutboundPolicy}.
 *
 * <p>The ranges follow IANA's special-purpose address registries, which list for each block whether
 * it is "globally reachable": https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/. IPv6 addresses that carry an IPv4
 * address inside them (IPv4-mapped, NAT64, 6to4) are judged by that IPv4 address, so {@code
 * ::ffff:127.0.0.1} counts as loopback.
 */
public final class InternalAddresses {

  private InternalAddresses() {}

  /** One range and what to call it; {@code embedded} ranges are judged by the IPv4 inside. */
  private record Range(IpNetwork network, String kind, int embeddedAt) {
    Range(String cidr, String kind) {
      this(IpNetwork.parse(cidr), kind, -1);
    }
  }

  private static Range embedded(String cidr, int at) {
    return new Range(IpNetwork.parse(cidr), null, at);
  }

  /** IPv4, most specific first where ranges nest. */
  private static final List<Range> V4 =
      List.of(
          new Range("0.0.0.0/8", "unspecified"), // RFC 791, RFC 1122 §3.2.1.3: "this network"
          new Range("10.0.0.0/8", "private"), // RFC 1918
          new Range("100.64.0.0/10", "shared (CGNAT)"), // RFC 6598
          new Range("127.0.0.0/8", "loopback"), // RFC 1122 §3.2.1.3
          new Range("169.254.0.0/16", "link-local"), // RFC 3927; cloud metadata 169.254.169.254
          new Range("172.16.0.0/12", "private"), // RFC 1918
          new Range("192.0.0.0/24", "reserved"), // RFC 6890: IETF protocol assignments
          new Range("192.0.2.0/24", "documentation"), // RFC 5737: TEST-NET-1
          new Range("192.88.99.0/24", "reserved"), // RFC 7526: former 6to4 relay anycast
          new Range("192.168.0.0/16", "private"), // RFC 1918
          new Range("198.18.0.0/15", "reserved"), // RFC 2544: benchmarking
          new Range("198.51.100.0/24", "documentation"), // RFC 5737: TEST-NET-2
          new Range("203.0.113.0/24", "documentation"), // RFC 5737: TEST-NET-3
          new Range("224.0.0.0/4", "multicast"), // RFC 5771
          new Range("255.255.255.255/32", "broadcast"), // RFC 919, RFC 8190
          new Range("240.0.0.0/4", "reserved")); // RFC 1112 §4

  /** IPv6, most specific first where ranges nest. */
  private static final List<Range> V6 =
      List.of(
          new Range("::/128", "unspecified"), // RFC 4291 §2.5.2
          new Range("::1/128", "loopback"), // RFC 4291 §2.5.3
          embedded("::ffff:0:0/96", 12), // RFC 4291 §2.5.5.2: IPv4-mapped
          new Range("64:ff9b:1::/48", "private"), // RFC 8215: local-use IPv4/IPv6 translation
          embedded("64:ff9b::/96", 12), // RFC 6052: NAT64 well-known prefix
          new Range("::/8", "reserved"), // RFC 4291: IPv4-compatible, IPv4-translated, unassigned
          new Range("100::/64", "reserved"), // RFC 6666: discard-only
          new Range("2001:db8::/32", "documentation"), // RFC 3849
          new Range("2001::/23", "reserved"), // RFC 2928: IETF protocol assignments, Teredo
          embedded("2002::/16", 2), // RFC 3056: 6to4
          new Range("3fff::/20", "documentation"), // RFC 9637
          new Range("5f00::/16", "reserved"), // RFC 9602: SRv6 SIDs
          new Range("fc00::/7", "private"), // RFC 4193: unique local
          new Range("fe80::/10", "link-local"), // RFC 4291 §2.5.6
          new Range("fec0::/10", "private"), // RFC 3879: deprecated site-local
          new Range("ff00::/8", "multicast")); // RFC 4291 §2.7

  /** Global unicast, RFC 4291 §2.4; everything outside it is unassigned or special. */
  private static final IpNetwork GLOBAL_V6 = IpNetwork.parse("2000::/3");

  /**
   * What kind of internal address this is ({@code loopback}, {@code private}, {@code link-local},
   * {@code shared (CGNAT)}, {@code unspecified}, {@code multicast}, {@code broadcast}, {@code
   * documentation}, {@code reserved}), or null for a public address.
   */
  public static String kindOf(InetAddress address) {
    return kindOf(address.getAddress());
  }

  private static String kindOf(byte[] a) {
    if (a.length == 4) {
      for (Range r : V4) if (r.network().contains(a)) return r.kind();
      return null;
    }
    for (Range r : V6) {
      if (!r.network().contains(a)) continue;
      if (r.embeddedAt() < 0) return r.kind();
      byte[] v4 = new byte[4];
      System.arraycopy(a, r.embeddedAt(), v4, 0, 4);
      return kindOf(v4);
    }
    return GLOBAL_V6.contains(a) ? null : "reserved";
  }
}
