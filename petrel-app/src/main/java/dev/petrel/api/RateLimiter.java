package dev.petrel.api;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per account: a token bucket per account that refills {@code perSecond} tokens a second
 * up to {@code burst}. Each answer carries the state in the {@code RateLimit-Limit}, {@code
 * RateLimit-Remaining} and {@code RateLimit-Reset} headers (IETF httpapi draft "RateLimit header
 * fields for HTTP"), and a refused request gets 429 with {@code Retry-After}.
 */
final class RateLimiter {

  /** The outcome for one request; {@code resetSeconds} is when the bucket is full again. */
  record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfter) {}

  private static final class Bucket {
    double tokens;
    long at;
  }

  private final int burst;
  private final double perSecond;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(int perSecond, int burst, InstantSource clock) {
    if (perSecond < 1 || burst < 1)
      throw new IllegalArgumentException("rate limits must be at least 1");
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  Decision take(String account) {
    long now = clock.millis();
    Bucket b =
        buckets.computeIfAbsent(
            account,
            k -> {
              Bucket n = new Bucket();
              n.tokens = burst;
              n.at = now;
              return n;
            });
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1000.0 * perSecond);
      b.at = now;
      boolean allowed = b.tokens >= 1;
      if (allowed) b.tokens -= 1;
      long reset = (long) Math.ceil((burst - b.tokens) / perSecond);
      long retry = allowed ? 0 : (long) Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      return new Decision(allowed, burst, (int) Math.floor(b.tokens), reset, retry);
    }
  }
}
