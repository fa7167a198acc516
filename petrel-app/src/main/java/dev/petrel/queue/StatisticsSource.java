package dev.petrel.queue;

import java.time.Duration;
import java.time.Instant;

/** Per-account statistics over time. A role of {@link MessageStore}. */
public interface StatisticsSource {

  /**
   * One account's statistics from {@code from} (inclusive) to {@code to} (exclusive), in buckets of
   * {@code bucket} aligned to the epoch (so to UTC hours and days).
   */
  default Statistics statistics(String account, Instant from, Instant to, Duration bucket)
      throws StorageException {
    throw new UnsupportedOperationException("this store keeps no statistics");
  }
}
