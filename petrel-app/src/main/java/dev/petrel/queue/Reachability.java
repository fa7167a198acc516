package dev.petrel.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a shared database answers, as the store's own calls find it: the first call that finds it
 * unreachable logs the loss (one line), the first call begun after that which succeeds logs the
 * recovery (one line). The loops that call the store (delivery, webhooks, retention) stay quiet
 * meanwhile, so an outage of an hour is two lines in the log, not one per poll.
 *
 * <p>Only calls begun after the last change count: a call that was already waiting when the
 * database came back, and then fails, does not report a second loss; a call that began before the
 * loss and then succeeds does not report a recovery.
 */
public final class Reachability {

  private static final Logger LOG = LoggerFactory.getLogger("store");

  private final String what;
  private final InstantSource clock;
  private final Object lock = new Object();
  private final AtomicLong failedCalls = new AtomicLong();
  private volatile Instant downSince;
  private long changedNanos = System.nanoTime();

  Reachability(String what, InstantSource clock) {
    this.what = what;
    this.clock = clock;
  }

  /** The mark a call takes as it begins, given back to {@link #answered} or {@link #failed}. */
  long begin() {
    return System.nanoTime();
  }

  /** A call begun at {@code began} succeeded: the database answers. */
  void answered(long began) {
    if (downSince == null) return;
    Instant since;
    long failed;
    synchronized (lock) {
      if (downSince == null || began - changedNanos < 0) return;
      since = downSince;
      downSince = null;
      changedNanos = System.nanoTime();
      failed = failedCalls.getAndSet(0);
    }
    LOG.info(
        "store: {} answers again after {} s ({} calls failed meanwhile); taking mail and delivering",
        what,
        Duration.between(since, clock.instant()).toSeconds(),
        failed);
  }

  /** A call begun at {@code began} failed with {@code e}; only an unreachable database counts. */
  void failed(long began, StorageException e) {
    if (!(e instanceof StoreUnavailableException)) {
      answered(began); // the database answered, with a refusal of its own
      return;
    }
    failedCalls.incrementAndGet();
    if (downSince != null) return;
    synchronized (lock) {
      if (downSince != null || began - changedNanos < 0) return;
      downSince = clock.instant();
      changedNanos = System.nanoTime();
    }
    LOG.warn(
        "store: {} cannot be reached ({}); mail is refused with 4xx answers and delivery and"
            + " webhooks wait until it answers again",
        what,
        rootMessage(e));
  }

  /** Since when the database has not answered; empty while it answers. */
  public Optional<Instant> downSince() {
    return Optional.ofNullable(downSince);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
