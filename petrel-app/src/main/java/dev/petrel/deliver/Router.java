package dev.petrel.deliver;

import dev.petrel.model.InternalAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Routing: a static route for the domain if there is one, else the relay host if configured, else
 * MX resolution through DNS. Thread-safe.
 *
 * <p>Hosts of static routes and the relay host are used as given, without MX lookup (like Postfix's
 * {@code [host]}): an IP literal directly, a name through DNS and then the system's resolver (so
 * {@code localhost} and {@code /etc/hosts} work).
 *
 * <p>Servers found through DNS or an address literal ({@code user@[192.0.2.1]}) are a tenant's
 * choice, not the operator's: their internal addresses (loopback, private, link-local, see {@link
 * InternalAddresses}) are dropped unless {@link RoutingConfig#outbound()} allows them, so a
 * recipient address cannot make Petrel talk to a service inside its own network. When nothing is
 * left the domain is {@link Resolution.Refused}. The client connects to exactly the addresses
 * returned here, so no later lookup can swap them.
 */
public final class Router {

  private final RoutingConfig config;
  private final DnsLookup dns;
  private final MxResolver mx;

  public Router(RoutingConfig config, DnsLookup dns, RandomGenerator random) {
    this.config = config;
    this.dns = dns;
    this.mx = new MxResolver(dns, config.mxPort(), config.maxMxHosts(), random);
  }

  /** A router asking the configured DNS server (or the system's), with a cache of answers. */
  public static Router create(RoutingConfig config, InstantSource clock) {
    DnsLookup lookup =
        new CachingDnsLookup(
            new DnsJavaLookup(config.dnsServer(), config.dnsTimeout(), config.ipv6()),
            clock,
            10_000);
    return new Router(config, lookup, RandomGenerator.getDefault());
  }

  public RoutingConfig config() {
    return config;
  }

  /** The DNS routing asks (also used for the TLS policies of the recipient domain). */
  public DnsLookup dns() {
    return dns;
  }

  /**
   * The key concurrency and rate limits are counted under for mail to {@code domain}, known without
   * DNS: the relay host when all mail goes there, else the domain.
   */
  public String destinationOf(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (staticRoute(d) == null && config.relayHost() != null) return "relay:" + config.relayHost();
    return d;
  }

  /** Routes the domain. Never throws; DNS trouble is a {@link Resolution.LookupFailed}. */
  public Resolution resolve(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    HostPort route = staticRoute(d);
    if (route != null) return fixed(d, d, Route.Kind.STATIC, route);
    if (config.relayHost() != null)
      return fixed(d, destinationOf(d), Route.Kind.RELAY, config.relayHost());
    if (d.startsWith("[") && d.endsWith("]")) return screen(literal(d));
    return screen(mx.resolve(d));
  }

  /** Drops the addresses the outbound policy refuses; refuses the domain when none is left. */
  private Resolution screen(Resolution resolution) {
    if (!(resolution instanceof Resolution.Routed routed)) return resolution;
    Route route = routed.route();
    List<MxTarget> kept = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (MxTarget t : route.targets()) {
      List<InetAddress> ok = new ArrayList<>();
      for (InetAddress a : t.addresses()) {
        String kind = config.outbound().refusal(a);
        if (kind == null) ok.add(a);
        else refused.add(describe(t.host(), a) + " is " + kind);
      }
      if (!ok.isEmpty()) kept.add(new MxTarget(t.host(), t.preference(), t.port(), ok));
    }
    if (refused.isEmpty()) return resolution;
    if (kept.isEmpty())
      return new Resolution.Refused(
          route.domain(),
          "internal address: "
              + String.join("; ", refused)
              + "; Petrel does not deliver to internal addresses unless the operator allows them"
              + " (deliver-allow-networks, a route or a relay host)");
    return new Resolution.Routed(
        new Route(route.domain(), route.destination(), route.kind(), kept));
  }

  private static String describe(String host, InetAddress a) {
    String ip = a.getHostAddress();
    return host.equalsIgnoreCase(ip) ? ip : host + " [" + ip + "]";
  }

  private HostPort staticRoute(String domain) {
    HostPort exact = config.routes().get(domain);
    if (exact != null) return exact;
    for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
      HostPort parent = config.routes().get(domain.substring(dot));
      if (parent != null) return parent;
    }
    return null;
  }

  private Resolution fixed(String domain, String destination, Route.Kind kind, HostPort hp) {
    List<InetAddress> addresses;
    try {
      addresses = addressesOf(hp.host());
    } catch (UnknownHostException e) {
      return new Resolution.LookupFailed(
          domain, "cannot resolve " + hp.host() + ": " + e.getMessage());
    }
    return new Resolution.Routed(
        new Route(
            domain, destination, kind, List.of(new MxTarget(hp.host(), 0, hp.port(), addresses))));
  }

  /** An address literal domain ({@code user@[192.0.2.1]}) is its own server, RFC 5321 §4.1.3. */
  private Resolution literal(String domain) {
    String inner = domain.substring(1, domain.length() - 1);
    if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
    try {
      InetAddress a = InetAddress.ofLiteral(inner);
      return new Resolution.Routed(
          new Route(
              domain,
              domain,
              Route.Kind.MX,
              List.of(new MxTarget(inner, 0, config.mxPort(), List.of(a)))));
    } catch (IllegalArgumentException e) {
      return new Resolution.NoSuchDomain(domain, "not a valid address literal");
    }
  }

  private List<InetAddress> addressesOf(String host) throws UnknownHostException {
    try {
      return List.of(InetAddress.ofLiteral(host));
    } catch (IllegalArgumentException notLiteral) {
      // a name: fall through
    }
    DnsAnswer<InetAddress> a = dns.addresses(host);
    if (a.status() == DnsAnswer.Status.FOUND) return a.records();
    List<InetAddress> system = new ArrayList<>(Arrays.asList(InetAddress.getAllByName(host)));
    if (!config.ipv6()) system.removeIf(x -> x.getAddress().length != 4);
    system.sort((x, y) -> Integer.compare(x.getAddress().length, y.getAddress().length));
    if (system.isEmpty()) throw new UnknownHostException(host + " has no usable address");
    return system;
  }
}
