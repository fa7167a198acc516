package dev.petrel.deliver;

import dev.petrel.model.OutboundPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How mail finds its servers: the DNS server to ask, static routes and a relay host that override
 * DNS (the command line's {@code --dns-server}, {@code --route}, {@code --relay-host}).
 *
 * @param dnsServer the DNS server, or null for the system's resolvers
 * @param dnsTimeout how long one DNS question may take
 * @param ipv6 whether to look up and connect to IPv6 addresses (IPv4 is always tried first)
 * @param mxPort the port of servers found through MX records (25)
 * @param maxMxHosts at most this many MX hosts are tried per delivery
 * @param routes domain → server, overriding DNS; a key starting with a dot covers subdomains
 * @param relayHost a server that takes all mail without a static route, or null
 * @param outbound which internal addresses mail found through DNS or an address literal may go to;
 *     static routes and the relay host are the operator's own choice and are not checked
 * @param dnssecResolver the resolver trusted to validate DNSSEC, asked for the MX, address and TLSA
 *     records of DANE (see {@link DaneLookup}); null: DANE off
 */
public record RoutingConfig(
    HostPort dnsServer,
    Duration dnsTimeout,
    boolean ipv6,
    int mxPort,
    int maxMxHosts,
    Map<String, HostPort> routes,
    HostPort relayHost,
    OutboundPolicy outbound,
    HostPort dnssecResolver) {

  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_MX_HOSTS = 5;

  public static final RoutingConfig DEFAULTS =
      new RoutingConfig(
          null,
          DEFAULT_DNS_TIMEOUT,
          true,
          25,
          DEFAULT_MAX_MX_HOSTS,
          Map.of(),
          null,
          OutboundPolicy.STRICT,
          null);

  public RoutingConfig {
    if (dnsTimeout == null || dnsTimeout.isNegative() || dnsTimeout.isZero())
      throw new IllegalArgumentException("DNS timeout must be positive");
    if (mxPort < 1 || mxPort > 65535) throw new IllegalArgumentException("bad MX port " + mxPort);
    if (maxMxHosts < 1) throw new IllegalArgumentException("maxMxHosts must be at least 1");
    Map<String, HostPort> copy = new LinkedHashMap<>();
    for (var e : routes.entrySet()) copy.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
    routes = Map.copyOf(copy);
    if (outbound == null) outbound = OutboundPolicy.STRICT;
  }

  /**
   * Parses {@code DOMAIN=HOST:PORT} route options.
   *
   * @throws IllegalArgumentException naming the bad option
   */
  public static Map<String, HostPort> parseRoutes(List<String> specs) {
    Map<String, HostPort> out = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1)
        throw new IllegalArgumentException("route must be DOMAIN=HOST:PORT, not '" + spec + "'");
      String domain = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      HostPort target;
      try {
        target = HostPort.parse(spec.substring(eq + 1).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("route '" + spec + "': " + e.getMessage());
      }
      if (out.put(domain, target) != null)
        throw new IllegalArgumentException("route for " + domain + " given twice");
    }
    return out;
  }

  public RoutingConfig withDnsServer(HostPort server) {
    return new RoutingConfig(
        server, dnsTimeout, ipv6, mxPort, maxMxHosts, routes, relayHost, outbound, dnssecResolver);
  }

  public RoutingConfig withDnsTimeout(Duration timeout) {
    return new RoutingConfig(
        dnsServer, timeout, ipv6, mxPort, maxMxHosts, routes, relayHost, outbound, dnssecResolver);
  }

  public RoutingConfig withIpv6(boolean on) {
    return new RoutingConfig(
        dnsServer, dnsTimeout, on, mxPort, maxMxHosts, routes, relayHost, outbound, dnssecResolver);
  }

  public RoutingConfig withMxPort(int port) {
    return new RoutingConfig(
        dnsServer, dnsTimeout, ipv6, port, maxMxHosts, routes, relayHost, outbound, dnssecResolver);
  }

  public RoutingConfig withRoutes(Map<String, HostPort> newRoutes) {
    return new RoutingConfig(
        dnsServer,
        dnsTimeout,
        ipv6,
        mxPort,
        maxMxHosts,
        newRoutes,
        relayHost,
        outbound,
        dnssecResolver);
  }

  public RoutingConfig withRoute(String domain, HostPort target) {
    Map<String, HostPort> m = new LinkedHashMap<>(routes);
    m.put(domain.toLowerCase(Locale.ROOT), target);
    return withRoutes(m);
  }

  public RoutingConfig withOutbound(OutboundPolicy policy) {
    return new RoutingConfig(
        dnsServer, dnsTimeout, ipv6, mxPort, maxMxHosts, routes, relayHost, policy, dnssecResolver);
  }

  public RoutingConfig withRelayHost(HostPort relay) {
    return new RoutingConfig(
        dnsServer, dnsTimeout, ipv6, mxPort, maxMxHosts, routes, relay, outbound, dnssecResolver);
  }

  public RoutingConfig withDnssecResolver(HostPort resolver) {
    return new RoutingConfig(
        dnsServer, dnsTimeout, ipv6, mxPort, maxMxHosts, routes, relayHost, outbound, resolver);
  }
}
