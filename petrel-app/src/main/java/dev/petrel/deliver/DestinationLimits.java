package dev.petrel.deliver;

import java.time.Duration;

/**
 * The ceiling for one destination, and how fast it is regained after a slow-down.
 *
 * @param maxConnections simultaneous deliveries (and so connections) at most
 * @param maxMessagesPerSecond transaction starts per second at most; {@code
 *     Double.POSITIVE_INFINITY} for no limit
 * @param minMessagesPerSecond a slow-down never goes below this rate
 * @param recoveryInterval after a slow-down, each interval without a new one gives back one
 *     connection and a tenth of the rate (additive increase; the slow-down halves: AIMD)
 * @param maxSlowDown a slow-down ends at the latest this long after the last reply that asked for
 *     it: the full limits are back then, however far the recovery had come
 * @param messagesPerConnection transactions one connection carries before it is closed; 0 leaves it
 *     to the connection pool's setting
 */
public record DestinationLimits(
    int maxConnections,
    double maxMessagesPerSecond,
    double minMessagesPerSecond,
    Duration recoveryInterval,
    Duration maxSlowDown,
    int messagesPerConnection) {

  public static final Duration DEFAULT_MAX_SLOW_DOWN = Duration.ofMinutes(10);

  public static final DestinationLimits DEFAULTS =
      new DestinationLimits(20, Double.POSITIVE_INFINITY, 1.0 / 60, Duration.ofMinutes(1));

  /** Limits with the default longest slow-down and the pool's messages per connection. */
  public DestinationLimits(
      int maxConnections,
      double maxMessagesPerSecond,
      double minMessagesPerSecond,
      Duration recoveryInterval) {
    this(
        maxConnections,
        maxMessagesPerSecond,
        minMessagesPerSecond,
        recoveryInterval,
        DEFAULT_MAX_SLOW_DOWN,
        0);
  }

  public DestinationLimits {
    if (maxConnections < 1) throw new IllegalArgumentException("connections must be at least 1");
    if (!(maxMessagesPerSecond > 0))
      throw new IllegalArgumentException("the rate must be positive");
    if (!(minMessagesPerSecond > 0) || minMessagesPerSecond > maxMessagesPerSecond)
      throw new IllegalArgumentException("the slowest rate must be positive and at most the rate");
    if (recoveryInterval == null || recoveryInterval.isNegative() || recoveryInterval.isZero())
      throw new IllegalArgumentException("the recovery step must be longer than zero");
    if (maxSlowDown == null || maxSlowDown.isNegative() || maxSlowDown.isZero())
      throw new IllegalArgumentException("the longest slow-down must be longer than zero");
    if (messagesPerConnection < 0)
      throw new IllegalArgumentException(
          "messages per connection must not be negative (0: the connection pool's setting)");
  }

  public boolean rateLimited() {
    return !Double.isInfinite(maxMessagesPerSecond);
  }

  public DestinationLimits withMaxConnections(int n) {
    return new DestinationLimits(
        n,
        maxMessagesPerSecond,
        minMessagesPerSecond,
        recoveryInterval,
        maxSlowDown,
        messagesPerConnection);
  }

  public DestinationLimits withMaxMessagesPerSecond(double r) {
    return new DestinationLimits(
        maxConnections,
        r,
        Math.min(minMessagesPerSecond, r),
        recoveryInterval,
        maxSlowDown,
        messagesPerConnection);
  }
}
