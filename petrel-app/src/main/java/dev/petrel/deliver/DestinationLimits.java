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
 */
public record DestinationLimits(
    int maxConnections,
    double maxMessagesPerSecond,
    double minMessagesPerSecond,
    Duration recoveryInterval) {

  public static final DestinationLimits DEFAULTS =
      new DestinationLimits(20, Double.POSITIVE_INFINITY, 1.0 / 60, Duration.ofMinutes(1));

  public DestinationLimits {
    if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1");
    if (!(maxMessagesPerSecond > 0))
      throw new IllegalArgumentException("maxMessagesPerSecond must be positive");
    if (!(minMessagesPerSecond > 0) || minMessagesPerSecond > maxMessagesPerSecond)
      throw new IllegalArgumentException(
          "minMessagesPerSecond must be positive and at most maxMessagesPerSecond");
    if (recoveryInterval == null || recoveryInterval.isNegative() || recoveryInterval.isZero())
      throw new IllegalArgumentException("recoveryInterval must be positive");
  }

  public boolean rateLimited() {
    return !Double.isInfinite(maxMessagesPerSecond);
  }

  public DestinationLimits withMaxConnections(int n) {
    return new DestinationLimits(n, maxMessagesPerSecond, minMessagesPerSecond, recoveryInterval);
  }

  public DestinationLimits withMaxMessagesPerSecond(double r) {
    return new DestinationLimits(
        maxConnections, r, Math.min(minMessagesPerSecond, r), recoveryInterval);
  }
}
