package dev.petrel.deliver;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps DNS answers for their TTL so a queue of many messages to one domain asks once. Failures are
 * never kept; TTLs are bounded (a zero TTL still holds for {@link #MIN_TTL}, nothing longer than
 * {@link #MAX_TTL}). When full, expired entries go first, then arbitrary ones.
 */
public final class CachingDnsLookup implements DnsLookup {

  static final Duration MIN_TTL = Duration.ofSeconds(5);
  static final Duration MAX_TTL = Duration.ofHours(1);

  private record Entry(DnsAnswer<?> answer, Instant expires) {}

  private final DnsLookup inner;
  private final InstantSource clock;
  private final int capacity;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public CachingDnsLookup(DnsLookup inner, InstantSource clock, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
    this.inner = inner;
    this.clock = clock;
    this.capacity = capacity;
  }

  @Override
  public DnsAnswer<Mx> mx(String domain) {
    return cached("MX " + domain, domain, inner::mx);
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host) {
    return cached("A " + host, host, inner::addresses);
  }

  @Override
  public DnsAnswer<String> txt(String name) {
    return cached("TXT " + name, name, inner::txt);
  }

  @SuppressWarnings("unchecked")
  private <T> DnsAnswer<T> cached(String key, String name, Function<String, DnsAnswer<T>> ask) {
    Instant now = clock.instant();
    Entry e = entries.get(key);
    if (e != null && now.isBefore(e.expires)) return (DnsAnswer<T>) e.answer;
    DnsAnswer<T> answer = ask.apply(name);
    if (answer.status() != DnsAnswer.Status.FAILED) {
      Duration ttl = answer.ttl();
      if (ttl.compareTo(MIN_TTL) < 0) ttl = MIN_TTL;
      if (ttl.compareTo(MAX_TTL) > 0) ttl = MAX_TTL;
      if (entries.size() >= capacity) evict(now);
      entries.put(key, new Entry(answer, now.plus(ttl)));
    }
    return answer;
  }

  private void evict(Instant now) {
    entries.values().removeIf(x -> !now.isBefore(x.expires));
    Iterator<String> it = entries.keySet().iterator();
    while (entries.size() >= capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** Drops every kept answer. */
  public void clear() {
    entries.clear();
  }
}
