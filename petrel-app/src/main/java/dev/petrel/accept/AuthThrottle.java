package dev.petrel.accept;

import java.time.Duration;

/**
 * How long to hold back the reply to a failed AUTH (brute force slowed down). The first failure is
 * answered at once (a typo should not hurt); each further one in the same session waits twice as
 * long as the one before, up to a cap. The session also counts each failure as an error, so a
 * guessing client is disconnected after the error limit.
 */
final class AuthThrottle {

  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(16);

  /** Waits; tests replace it to record the delays instead of sleeping. */
  interface Pause {
    void pause(Duration d) throws InterruptedException;

    Pause SLEEP = Thread::sleep;
  }

  private AuthThrottle() {}

  /** The delay before answering the {@code failures}-th failure (1-based). */
  static Duration delay(int failures) {
    if (failures <= 1) return Duration.ZERO;
    int doublings = Math.min(failures - 2, 16);
    Duration d = FIRST_DELAY.multipliedBy(1L << doublings);
    return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
  }
}
