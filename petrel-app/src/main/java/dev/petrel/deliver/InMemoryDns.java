package dev.petrel.deliver;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS table in memory, for tests and for names Petrel answers itself. Names that were never given
 * do not exist (NXDOMAIN); a name with some records has no data for the other types; names marked
 * {@link #fail} answer like a server in trouble (SERVFAIL). Safe to change while in use.
 */
public final class InMemoryDns implements DnsLookup {

  private static final Duration TTL = Duration.ofMinutes(5);

  private final Map<String, List<Mx>> mx = new ConcurrentHashMap<>();
  private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
  private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
  private final Set<String> existing = ConcurrentHashMap.newKeySet();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queries = new AtomicInteger();

  /** Adds an MX record. */
  public InMemoryDns mx(String domain, int preference, String exchange) {
    String d = key(domain);
    existing.add(d);
    mx.computeIfAbsent(d, k -> new CopyOnWriteArrayList<>())
        .add(new Mx(preference, exchange.equals(".") ? "." : key(exchange)));
    return this;
  }

  /** Publishes a null MX (RFC 7505) for the domain. */
  public InMemoryDns nullMx(String domain) {
    return mx(domain, 0, ".");
  }

  /** Adds A or AAAA records (IP literals). */
  public InMemoryDns address(String host, String... ips) {
    String h = key(host);
    existing.add(h);
    List<InetAddress> list = addresses.computeIfAbsent(h, k -> new CopyOnWriteArrayList<>());
    for (String ip : ips) {
      try {
        list.add(InetAddress.ofLiteral(ip));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not an IP literal: " + ip);
      }
    }
    return this;
  }

  /** Adds a TXT record (its strings already joined). */
  public InMemoryDns txt(String name, String text) {
    String n = key(name);
    existing.add(n);
    txt.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(text);
    return this;
  }

  /** Makes the name exist without any record (NOERROR, no data). */
  public InMemoryDns exists(String name) {
    existing.add(key(name));
    return this;
  }

  /** Makes every question about the name fail, as SERVFAIL would. */
  public InMemoryDns fail(String name) {
    failing.add(key(name));
    return this;
  }

  /** Forgets everything about the name. */
  public InMemoryDns remove(String name) {
    String k = key(name);
    mx.remove(k);
    addresses.remove(k);
    txt.remove(k);
    existing.remove(k);
    failing.remove(k);
    return this;
  }

  /** How many questions were asked so far. */
  public int queries() {
    return queries.get();
  }

  @Override
  public DnsAnswer<Mx> mx(String domain) {
    queries.incrementAndGet();
    String d = key(domain);
    if (failing.contains(d)) return DnsAnswer.failed("MX lookup: SERVFAIL (in-memory table)");
    List<Mx> records = mx.get(d);
    if (records != null && !records.isEmpty()) return DnsAnswer.found(records, TTL);
    return existing.contains(d) ? DnsAnswer.noData(TTL) : DnsAnswer.nxDomain(TTL);
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host) {
    queries.incrementAndGet();
    String h = key(host);
    if (failing.contains(h)) return DnsAnswer.failed("A lookup: SERVFAIL (in-memory table)");
    List<InetAddress> records = addresses.get(h);
    if (records != null && !records.isEmpty()) {
      List<InetAddress> ordered = new ArrayList<>();
      for (InetAddress a : records) if (a.getAddress().length == 4) ordered.add(a);
      for (InetAddress a : records) if (a.getAddress().length != 4) ordered.add(a);
      return DnsAnswer.found(ordered, TTL);
    }
    return existing.contains(h) ? DnsAnswer.noData(TTL) : DnsAnswer.nxDomain(TTL);
  }

  @Override
  public DnsAnswer<String> txt(String name) {
    queries.incrementAndGet();
    String n = key(name);
    if (failing.contains(n)) return DnsAnswer.failed("TXT lookup: SERVFAIL (in-memory table)");
    List<String> records = txt.get(n);
    if (records != null && !records.isEmpty()) return DnsAnswer.found(records, TTL);
    return existing.contains(n) ? DnsAnswer.noData(TTL) : DnsAnswer.nxDomain(TTL);
  }

  private static String key(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
  }
}
