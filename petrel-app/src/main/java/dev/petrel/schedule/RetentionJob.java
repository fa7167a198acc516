package dev.petrel.schedule;

import dev.petrel.model.PeriodicThread;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.Pruned;
import dev.petrel.queue.StorageException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished messages once the retention period has passed since their last change ({@link
 * MessageStore#prune}): a thread of its own that runs a minute after start, then every hour (or
 * every retention period when that is shorter), so a message is kept at least the retention period
 * and at most an hour longer. Each run works in batches of {@value #BATCH} messages, each a short
 * write of its own, so the writer that acceptance and delivery share is never held for long.
 */
public final class RetentionJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("retention");

  /** Messages deleted per write. */
  public static final int BATCH = 50;

  /** The longest wait between two runs. */
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);

  /** The shortest wait between two runs, however short the retention period. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** How long after start the first run comes (at most). */
  public static final Duration FIRST_RUN = Duration.ofMinutes(1);

  private final MessageStore store;
  private final Duration retention;
  private final InstantSource clock;
  private final Duration interval;
  private final Consumer<Pruned> observer;
  private final PeriodicThread thread;

  /**
   * @param retention how long finished messages are kept; must be positive
   * @param observer hears what each run deleted (metrics)
   */
  public RetentionJob(
      MessageStore store, Duration retention, InstantSource clock, Consumer<Pruned> observer) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
    if (retention == null || retention.isZero() || retention.isNegative())
      throw new IllegalArgumentException("the retention period must be positive");
    this.retention = retention;
    Duration i = retention.compareTo(MAX_INTERVAL) < 0 ? retention : MAX_INTERVAL;
    this.interval = i.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : i;
    // The first run comes soon after start, so a server restarted more often than hourly still
    // prunes; later runs keep the interval.
    this.thread =
        new PeriodicThread(
            "petrel-retention",
            interval.compareTo(FIRST_RUN) < 0 ? interval : FIRST_RUN,
            interval,
            this::runOnce);
  }

  /** How long the job waits between runs. */
  public Duration interval() {
    return interval;
  }

  public void start() {
    thread.start();
  }

  /** One run now: deletes what is older than the retention period; never throws. */
  public Pruned runOnce() {
    try {
      Pruned p = store.prune(clock.instant().minus(retention), BATCH);
      if (p.messages() > 0 || p.webhookLog() > 0)
        LOG.info(
            "retention: deleted {} finished messages ({} recipients, {} bytes of bodies) and {}"
                + " webhook log lines older than {}",
            p.messages(),
            p.recipients(),
            p.bytes(),
            p.webhookLog(),
            retention);
      observer.accept(p);
      return p;
    } catch (StorageException | RuntimeException e) {
      if (!thread.stopping() && !(e instanceof dev.petrel.queue.StoreUnavailableException))
        LOG.warn("retention: pruning failed, tried again in {}: {}", interval, e.getMessage());
      return Pruned.NONE;
    }
  }

  /** Stops the job; a run in progress ends after its current batch. */
  @Override
  public void close() {
    thread.close(true, 0);
  }
}
