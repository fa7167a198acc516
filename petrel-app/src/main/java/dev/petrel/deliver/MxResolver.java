package dev.petrel.deliver;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Finds the servers for a domain by RFC 5321 §5.1: MX records by preference (equal preferences in
 * random order, to share load), the domain's own address as an implicit MX when it has no MX
 * records, and RFC 7505's null MX as "accepts no mail".
 */
public final class MxResolver {

  private final DnsLookup dns;
  private final int port;
  private final int maxMxHosts;
  private final RandomGenerator random;

  /**
   * @param dns where to ask
   * @param port the SMTP port of every MX host (25; tests use a high port on loopback)
   * @param maxMxHosts at most this many MX hosts are looked up and tried, best first
   * @param random shuffles MX hosts of equal preference
   */
  public MxResolver(DnsLookup dns, int port, int maxMxHosts, RandomGenerator random) {
    if (maxMxHosts < 1) throw new IllegalArgumentException("maxMxHosts must be positive");
    this.dns = dns;
    this.port = port;
    this.maxMxHosts = maxMxHosts;
    this.random = random;
  }

  /** Routes a domain through DNS. Never throws for DNS trouble; see {@link Resolution}. */
  public Resolution resolve(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    DnsAnswer<DnsLookup.Mx> mx = dns.mx(d);
    return switch (mx.status()) {
      case FAILED -> new Resolution.LookupFailed(d, mx.detail());
      case NX_DOMAIN -> new Resolution.NoSuchDomain(d, "the domain does not exist (NXDOMAIN)");
      case NO_DATA -> implicitMx(d);
      case FOUND -> viaMx(d, mx.records());
    };
  }

  private Resolution implicitMx(String domain) {
    DnsAnswer<InetAddress> a = dns.addresses(domain);
    return switch (a.status()) {
      case FAILED -> new Resolution.LookupFailed(domain, a.detail());
      case NX_DOMAIN -> new Resolution.NoSuchDomain(domain, "the domain does not exist (NXDOMAIN)");
      case NO_DATA ->
          new Resolution.NoSuchDomain(
              domain, "the domain has neither MX nor address records, so it takes no mail");
      case FOUND ->
          new Resolution.Routed(
              new Route(
                  domain,
                  domain,
                  Route.Kind.IMPLICIT_MX,
                  List.of(new MxTarget(domain, 0, port, a.records()))));
    };
  }

  private Resolution viaMx(String domain, List<DnsLookup.Mx> records) {
    List<DnsLookup.Mx> real = new ArrayList<>();
    for (DnsLookup.Mx r : records) if (!r.isNull()) real.add(r);
    // RFC 7505 §3: a null MX must stand alone; if other MX records come with it, those are used.
    if (real.isEmpty()) return new Resolution.NullMx(domain);
    List<DnsLookup.Mx> ordered = shuffleEqualPreferences(real);
    List<MxTarget> targets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    boolean transientProblem = false;
    int tried = 0;
    for (DnsLookup.Mx r : ordered) {
      if (tried++ >= maxMxHosts) break;
      DnsAnswer<InetAddress> a = dns.addresses(r.exchange());
      switch (a.status()) {
        case FOUND -> targets.add(new MxTarget(r.exchange(), r.preference(), port, a.records()));
        case FAILED -> {
          transientProblem = true;
          problems.add(r.exchange() + ": " + a.detail());
        }
        case NX_DOMAIN -> problems.add(r.exchange() + ": host not found (NXDOMAIN)");
        case NO_DATA -> problems.add(r.exchange() + ": no address records");
      }
    }
    if (!targets.isEmpty())
      return new Resolution.Routed(new Route(domain, domain, Route.Kind.MX, targets));
    String detail = "no MX host of " + domain + " has an address: " + String.join("; ", problems);
    return transientProblem
        ? new Resolution.LookupFailed(domain, detail)
        : new Resolution.Unroutable(domain, detail);
  }

  private List<DnsLookup.Mx> shuffleEqualPreferences(List<DnsLookup.Mx> records) {
    List<DnsLookup.Mx> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingInt(DnsLookup.Mx::preference));
    List<DnsLookup.Mx> out = new ArrayList<>(sorted.size());
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j < sorted.size() && sorted.get(j).preference() == sorted.get(i).preference()) j++;
      List<DnsLookup.Mx> group = new ArrayList<>(sorted.subList(i, j));
      Collections.shuffle(group, random);
      out.addAll(group);
      i = j;
    }
    return out;
  }
}
