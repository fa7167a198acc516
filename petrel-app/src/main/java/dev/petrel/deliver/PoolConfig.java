package dev.petrel.deliver;

import java.time.Duration;

/**
 * Connection reuse: after a transaction a sound connection waits for the next message to the same
 * server address, for at most {@code idleTimeout}, and carries at most {@code
 * maxMessagesPerConnection} transactions. {@code maxIdlePerServer} bounds the waiting ones.
 */
public record PoolConfig(int maxMessagesPerConnection, Duration idleTimeout, int maxIdlePerServer) {

  public static final PoolConfig DEFAULTS = new PoolConfig(100, Duration.ofSeconds(30), 20);

  /** No reuse: one connection per delivery. */
  public static final PoolConfig NONE = new PoolConfig(1, Duration.ofSeconds(1), 0);

  public PoolConfig {
    if (maxMessagesPerConnection < 1)
      throw new IllegalArgumentException("maxMessagesPerConnection must be at least 1");
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero())
      throw new IllegalArgumentException("idle timeout must be positive");
    if (maxIdlePerServer < 0) throw new IllegalArgumentException("maxIdlePerServer must be >= 0");
  }
}
