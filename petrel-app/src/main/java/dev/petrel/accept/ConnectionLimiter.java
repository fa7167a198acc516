package dev.petrel.accept;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, in all and per client address, and refuses one that would go over either
 * limit. Checked before a session starts, so a flood costs one small reply per connection.
 */
public final class ConnectionLimiter {

  /** Whether a new connection may proceed, and if not, which limit it hit. */
  public enum Verdict {
    ACCEPTED,
    /** 421 4.3.2: the server as a whole is full. */
    TOO_MANY_IN_ALL,
    /** 421 4.7.0: this client has too many connections open. */
    TOO_MANY_FROM_ADDRESS
  }

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  public ConnectionLimiter(int maxTotal, int maxPerAddress) {
    if (maxTotal < 1 || maxPerAddress < 1)
      throw new IllegalArgumentException("limits must be >= 1");
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts the connection when accepted; the caller must {@link #release} it exactly once. */
  public Verdict acquire(InetAddress client) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return Verdict.TOO_MANY_IN_ALL;
    }
    boolean[] ok = {false};
    perAddress.compute(
        client,
        (a, n) -> {
          int c = n == null ? 0 : n;
          if (c >= maxPerAddress) return n;
          ok[0] = true;
          return c + 1;
        });
    if (!ok[0]) {
      total.decrementAndGet();
      return Verdict.TOO_MANY_FROM_ADDRESS;
    }
    return Verdict.ACCEPTED;
  }

  public void release(InetAddress client) {
    perAddress.computeIfPresent(client, (a, n) -> n <= 1 ? null : n - 1);
    total.decrementAndGet();
  }

  public int open() {
    return total.get();
  }
}
