package dev.petrel.deliver;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-destination admission: at most so many deliveries at once and so many starts per second, both
 * lowered automatically when replies say {@code slow-down} (rate limits, reputation) and raised
 * again step by step while none come (AIMD: halve on trouble, add a little per quiet interval, as
 * TCP does for congestion).
 *
 * <p>Time comes from an {@link InstantSource}, so tests drive it. {@link #tryAcquire} never blocks;
 * {@link #acquire} waits (a virtual thread is the intended caller).
 */
public final class DestinationLimiter {

  /** Several slow-down replies from one burst of parallel deliveries count as one. */
  private static final Duration HOLDOFF = Duration.ofSeconds(10);

  /**
   * What a destination is allowed now. {@code rate} is infinite when unlimited.
   *
   * @param lastSlowDown when the last reply asking to slow down came, or null
   * @param slowedUntil when the full limits are back (the recovery's end, at most the longest
   *     slow-down after {@code lastSlowDown}); null when the destination is not slowed down
   * @param cause the reply that slowed the destination down (code, enhanced code, text), or null
   * @param nextStart the earliest start the rate allows; null when it allows one now
   */
  public record State(
      String destination,
      int connectionLimit,
      int inUse,
      double rate,
      Instant lastSlowDown,
      Instant slowedUntil,
      String cause,
      Instant nextStart) {

    /** Whether the destination runs below its configured limits after a slow-down reply. */
    public boolean slowed() {
      return slowedUntil != null;
    }

    /** Whether every connection the destination may have now is in use. */
    public boolean full() {
      return inUse >= connectionLimit;
    }
  }

  /** The right to run one delivery; close it when done. */
  public final class Permit implements AutoCloseable {
    private final Dest dest;
    private boolean released;

    private Permit(Dest dest) {
      this.dest = dest;
    }

    public String destination() {
      return dest.key;
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (released) return;
        released = true;
        dest.inUse--;
        dest.changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * The answer of {@link #tryAcquire}: a permit, or how long until the rate allows a start ({@code
   * retryIn}), or neither when all connections are in use (wait for one to be released).
   */
  public record Admission(Permit permit, Duration retryIn) {
    public boolean admitted() {
      return permit != null;
    }
  }

  private final class Dest {
    final String key;
    final DestinationLimits limits;
    final Condition changed = lock.newCondition();
    int limit;
    int inUse;
    double rate;
    double recoverTo;
    Instant nextStart = Instant.MIN;
    Instant lastChange;
    Instant lastSlowDown;
    String cause;
    Instant lastStart = Instant.MIN;
    // Starts per second over the last minute, to know the rate before a slow-down.
    final long[] bucketSecond = new long[60];
    final int[] bucketCount = new int[60];

    Dest(String key, DestinationLimits limits) {
      this.key = key;
      this.limits = limits;
      this.limit = limits.maxConnections();
      this.rate = limits.maxMessagesPerSecond();
    }

    boolean atFull() {
      return limit == limits.maxConnections() && rate == limits.maxMessagesPerSecond();
    }
  }

  private final ThrottleConfig config;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Dest> dests = new HashMap<>();

  public DestinationLimiter(ThrottleConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
  }

  /** A permit if the destination admits a delivery now; never blocks. */
  public Admission tryAcquire(String destination) {
    lock.lock();
    try {
      Dest d = dest(destination);
      Instant now = clock.instant();
      recover(d, now);
      if (d.inUse >= d.limit) return new Admission(null, null);
      if (now.isBefore(d.nextStart)) return new Admission(null, Duration.between(now, d.nextStart));
      return new Admission(grant(d, now), null);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the destination admits a delivery. */
  public Permit acquire(String destination) throws InterruptedException {
    lock.lock();
    try {
      Dest d = dest(destination);
      while (true) {
        Instant now = clock.instant();
        recover(d, now);
        long waitNanos;
        if (d.inUse < d.limit) {
          if (!now.isBefore(d.nextStart)) return grant(d, now);
          waitNanos = Duration.between(now, d.nextStart).toNanos();
        } else {
          // A release signals; recovery may also raise the limit meanwhile.
          waitNanos = Math.min(d.limits.recoveryInterval().toNanos(), TimeUnit.SECONDS.toNanos(1));
        }
        d.changed.awaitNanos(Math.max(1, waitNanos));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Halves the destination's connection limit and rate (not below one connection and the minimum
   * rate). Reports from the same burst ({@value #HOLDOFF_SECONDS} s) count once.
   *
   * @return true when the limits were lowered
   */
  public boolean slowDown(String destination) {
    return slowDown(destination, null);
  }

  /**
   * As {@link #slowDown(String)}, keeping {@code cause} (the reply that asked for it) to say why
   * the destination is slowed down.
   */
  public boolean slowDown(String destination, String cause) {
    lock.lock();
    try {
      Dest d = dest(destination);
      Instant now = clock.instant();
      recover(d, now);
      if (d.lastSlowDown != null && now.isBefore(d.lastSlowDown.plus(HOLDOFF))) return false;
      double measured = Math.max(measuredRate(d, now), d.limits.minMessagesPerSecond());
      if (Double.isInfinite(d.rate)) d.recoverTo = measured;
      double base = Math.min(d.rate, measured);
      d.rate = Math.max(d.limits.minMessagesPerSecond(), base / 2);
      d.limit = Math.max(1, d.limit / 2);
      d.lastSlowDown = now;
      d.lastChange = now;
      d.cause = cause;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The destination's limits now. */
  public State state(String destination) {
    lock.lock();
    try {
      Dest d = dests.get(key(destination));
      if (d == null) {
        DestinationLimits l = config.limitsFor(key(destination));
        return new State(
            key(destination),
            l.maxConnections(),
            0,
            l.maxMessagesPerSecond(),
            null,
            null,
            null,
            null);
      }
      Instant now = clock.instant();
      recover(d, now);
      Instant until = slowedUntil(d);
      return new State(
          d.key,
          d.limit,
          d.inUse,
          d.rate,
          d.lastSlowDown,
          until,
          until == null ? null : d.cause,
          now.isBefore(d.nextStart) ? d.nextStart : null);
    } finally {
      lock.unlock();
    }
  }

  // --- internals, under the lock ---

  private static String key(String destination) {
    return destination.toLowerCase(Locale.ROOT);
  }

  private Dest dest(String destination) {
    String k = key(destination);
    Dest d = dests.get(k);
    if (d == null) {
      if (dests.size() >= PRUNE_AT) prune();
      d = new Dest(k, config.limitsFor(k));
      dests.put(k, d);
    }
    return d;
  }

  /** Entries are kept while they hold anything worth knowing; beyond this many, idle ones go. */
  private static final int PRUNE_AT = 1024;

  private Permit grant(Dest d, Instant now) {
    d.inUse++;
    d.lastStart = now;
    if (!Double.isInfinite(d.rate)) {
      Instant base = d.nextStart.isAfter(now) ? d.nextStart : now;
      d.nextStart = base.plusNanos((long) (1e9 / d.rate));
    }
    long second = now.getEpochSecond();
    int i = (int) Math.floorMod(second, 60L);
    if (d.bucketSecond[i] != second) {
      d.bucketSecond[i] = second;
      d.bucketCount[i] = 0;
    }
    d.bucketCount[i]++;
    return new Permit(d);
  }

  private static double measuredRate(Dest d, Instant now) {
    long second = now.getEpochSecond();
    int total = 0;
    for (int i = 0; i < 60; i++) {
      if (second - d.bucketSecond[i] < 60) total += d.bucketCount[i];
    }
    return total / 60.0;
  }

  /**
   * When the recovery brings the destination back to its full limits if no other slow-down comes:
   * one step per recovery interval, at most the longest slow-down after the last one; null when it
   * is at its full limits.
   */
  private static Instant slowedUntil(Dest d) {
    if (d.atFull() || d.lastChange == null || d.lastSlowDown == null) return null;
    long steps = d.limits.maxConnections() - d.limit;
    double ceiling =
        d.limits.rateLimited()
            ? d.limits.maxMessagesPerSecond()
            : Math.max(d.recoverTo, d.limits.minMessagesPerSecond());
    if (d.rate < ceiling)
      steps = Math.max(steps, (long) Math.ceil((ceiling - d.rate) * 10 / ceiling));
    if (d.rate < d.limits.maxMessagesPerSecond()) steps = Math.max(steps, 1);
    Instant end = d.lastChange.plus(d.limits.recoveryInterval().multipliedBy(steps));
    Instant cap = d.lastSlowDown.plus(d.limits.maxSlowDown());
    return end.isAfter(cap) ? cap : end;
  }

  /**
   * Additive increase: one connection and a tenth of the way back per quiet interval; everything
   * back once the longest slow-down has passed since the last slow-down reply.
   */
  private void recover(Dest d, Instant now) {
    if (d.atFull() || d.lastChange == null) return;
    if (d.lastSlowDown != null && !now.isBefore(d.lastSlowDown.plus(d.limits.maxSlowDown()))) {
      d.limit = d.limits.maxConnections();
      d.rate = d.limits.maxMessagesPerSecond();
      if (d.nextStart.isAfter(now)) d.nextStart = now;
      d.lastChange = now;
      d.changed.signalAll();
      return;
    }
    long interval = d.limits.recoveryInterval().toNanos();
    long elapsed = Duration.between(d.lastChange, now).toNanos();
    if (elapsed < interval) return;
    long steps = elapsed / interval;
    d.lastChange = d.lastChange.plusNanos(steps * interval);
    d.limit = (int) Math.min(d.limits.maxConnections(), d.limit + steps);
    double ceiling =
        d.limits.rateLimited()
            ? d.limits.maxMessagesPerSecond()
            : Math.max(d.recoverTo, d.limits.minMessagesPerSecond());
    if (d.rate < ceiling) d.rate = Math.min(ceiling, d.rate + steps * ceiling / 10);
    if (d.rate >= ceiling) d.rate = d.limits.maxMessagesPerSecond();
    // Back to no rate limit: a start planned at the slow rate need not wait any longer.
    if (Double.isInfinite(d.rate) && d.nextStart.isAfter(now)) d.nextStart = now;
    d.changed.signalAll();
  }

  /**
   * Forgets destinations that are idle, at their full limits, with no start in the last minute
   * (nothing of the rate measurement left) and nobody waiting.
   */
  private void prune() {
    Instant now = clock.instant();
    dests
        .values()
        .removeIf(
            d -> {
              recover(d, now);
              return d.inUse == 0
                  && d.atFull()
                  && !now.isBefore(d.nextStart)
                  && Duration.between(d.lastStart, now).toSeconds() >= 60
                  && !lock.hasWaiters(d.changed);
            });
  }
}
