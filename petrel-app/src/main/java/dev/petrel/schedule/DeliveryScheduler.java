package dev.petrel.schedule;

import dev.petrel.deliver.Deliverer;
import dev.petrel.deliver.DestinationLimiter;
import dev.petrel.deliver.TransferResult;
import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.QueueId;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.RetrySchedule;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.DsnWriter;
import dev.petrel.report.Verp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that joins the queue and the client: it claims due recipients from the store in bounded
 * batches, hands each job (one message, one domain) to the {@link Deliverer} on its own virtual
 * thread under a bound on concurrent jobs, and writes back what happened: one attempt per recipient
 * with its next state from the {@link RetrySchedule}, suppression entries for dead addresses, and a
 * delivery status notification to the sender for recipients whose delivery ended in failure.
 *
 * <p>This class is the claim loop and its lifecycle; its parts each do one job: {@link JobBuilder}
 * splits claimed jobs by destination and builds each transfer, {@link DestinationSlots} keeps the
 * slots per destination and the waits they cause, and {@link AttemptRecorder} writes back each
 * result.
 *
 * <p>It lives in the application package because it is the one place that knows both the queue and
 * delivery (delivery must not depend on the queue). It sleeps until {@link #wake()} is called (the
 * listener calls it after each committed message, the loop after recording a retry) or until the
 * poll interval has passed, which also picks up retries whose time has come and work given back by
 * an expired lease.
 */
public final class DeliveryScheduler implements AutoCloseable, DeliveryWaits {

  private static final Logger LOG = LoggerFactory.getLogger("deliver");

  /**
   * How hard the loop works.
   *
   * @param batch at most this many recipients claimed at once
   * @param concurrency at most this many jobs delivering at once
   * @param lease how long a claim is kept before the store hands it out again
   * @param poll the longest sleep without a wake-up
   */
  public record Settings(int batch, int concurrency, Duration lease, Duration poll) {
    public Settings {
      if (batch < 1 || concurrency < 1)
        throw new IllegalArgumentException("batch and concurrency must be at least 1");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(poll, "poll");
    }

    public static final Settings DEFAULTS =
        new Settings(500, 200, Duration.ofMinutes(15), Duration.ofMillis(500));
  }

  private final MessageStore store;
  private final Deliverer deliverer;
  private final InstantSource clock;
  private final Settings settings;
  private final Semaphore slots;
  private final Semaphore wakeUp = new Semaphore(0);
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final JobBuilder jobs;
  private final DestinationSlots destinations;
  private final AttemptRecorder recorder;
  private volatile boolean running;
  private Thread loop;

  /** When work given back because its destination was full is due again. */
  private static final Duration FULL_RETRY = Duration.ofSeconds(1);

  public DeliveryScheduler(
      MessageStore store,
      Deliverer deliverer,
      RetrySchedule retry,
      DsnWriter dsn,
      InstantSource clock,
      Settings settings) {
    this(store, deliverer, retry, dsn, null, clock, settings);
  }

  /**
   * @param verp makes the VERP return path each transaction announces in MAIL FROM, or null to pass
   *     the envelope sender on unchanged
   */
  public DeliveryScheduler(
      MessageStore store,
      Deliverer deliverer,
      RetrySchedule retry,
      DsnWriter dsn,
      Verp verp,
      InstantSource clock,
      Settings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.deliverer = Objects.requireNonNull(deliverer, "deliverer");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(dsn, "dsn");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.slots = new Semaphore(settings.concurrency());
    this.jobs = new JobBuilder(store, deliverer, verp);
    this.destinations = new DestinationSlots(deliverer, this::wake);
    this.recorder = new AttemptRecorder(store, retry, dsn, clock, this::wake, () -> running);
  }

  /** Sets how a job is prepared just before delivery (DKIM signing); by default it is not. */
  public void signWith(
      BiFunction<StoredMessage, dev.petrel.deliver.DeliveryJob, dev.petrel.deliver.DeliveryJob>
          signer) {
    jobs.signWith(signer);
  }

  /** Sets who hears each recorded attempt (metrics); by default nobody. */
  public void observeWith(AttemptObserver observer) {
    recorder.observeWith(observer);
  }

  /** Starts the loop on its own platform thread. */
  public synchronized void start() {
    if (loop != null) throw new IllegalStateException("already started");
    running = true;
    loop = Thread.ofPlatform().name("petrel-delivery").daemon(true).start(this::run);
  }

  /** Asks the loop to look for due work now (new mail committed, a retry made due). */
  public void wake() {
    if (wakeUp.availablePermits() == 0) wakeUp.release();
  }

  /** Sets who hears that the waits changed (the file {@code queue show} reads); by default none. */
  public void onWaitsChanged(Runnable listener) {
    destinations.onWaitsChanged(listener);
  }

  @Override
  public List<Waiting> of(QueueId id) {
    return destinations.of(id);
  }

  /** Every wait now, by message. */
  public Map<QueueId, List<Waiting>> waits() {
    return destinations.waits();
  }

  private final java.util.concurrent.atomic.AtomicLong notified =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Another node on the same database queued mail ({@code node}; null when the notifications were
   * lost for a while and some may have been missed): looks for due work now, as {@link #wake()}.
   */
  public void notified(String node) {
    if (notified.getAndIncrement() == 0)
      LOG.info(
          "delivery: woken by a notification of new mail from {}; mail queued by other nodes is"
              + " claimed as it is committed",
          node == null ? "the database" : "node " + node);
    else LOG.debug("delivery: woken by a notification of new mail from node {}", node);
    wake();
  }

  /** How many times other nodes' notifications woke the loop. */
  public long notifiedWakeUps() {
    return notified.get();
  }

  private void run() {
    while (running) {
      int claimed = 0;
      try {
        claimed = claimOnce();
      } catch (InterruptedException e) {
        break;
      } catch (dev.petrel.queue.StoreUnavailableException e) {
        // the store logs the outage once, and its end; the next poll tries again
      } catch (StorageException | RuntimeException e) {
        LOG.warn("delivery: cannot claim due work: {}", e.toString());
      }
      if (claimed > 0) continue; // more may be due right away
      try {
        wakeUp.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        wakeUp.drainPermits();
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  /** Claims one batch and starts its jobs; returns how many jobs were started. */
  private int claimOnce() throws StorageException, InterruptedException {
    // Wait for a free slot first, so that claimed work never sits leased while nothing can run it.
    slots.acquire();
    int free = 1 + slots.drainPermits();
    List<DeliveryJob> claimed;
    try {
      claimed =
          store.claimDue(
              clock.instant(),
              Math.min(settings.batch(), free * 50),
              settings.lease(),
              destinations.fullDomains());
    } catch (StorageException | RuntimeException e) {
      slots.release(free);
      throw e;
    }
    int started = 0;
    List<DeliveryJob> full = new ArrayList<>();
    for (DeliveryJob job : jobs.split(claimed)) {
      String destination = jobs.destinationOf(job);
      if (!destinations.hold(job.domain(), destination)) {
        full.add(job);
        continue;
      }
      if (free == 0) {
        slots.acquire();
        free = 1;
      }
      free--;
      started++;
      workers.execute(
          () -> {
            try {
              deliver(job, destination);
            } finally {
              destinations.done(destination);
              slots.release();
            }
          });
    }
    if (free > 0) slots.release(free);
    // Given back on virtual threads, so the store's writer commits them together.
    Instant later = clock.instant().plus(FULL_RETRY);
    for (DeliveryJob job : full) {
      destinations.waiting(job, jobs.destinationOf(job));
      workers.execute(() -> giveBack(job, later));
    }
    return started;
  }

  /** Delivers one job once its destination admits it, and records what happened. */
  private void deliver(DeliveryJob job, String destination) {
    dev.petrel.deliver.DeliveryJob work = jobs.transfer(job);
    TransferResult result;
    try (DestinationLimiter.Permit permit = destinations.admit(job, destination)) {
      // TLS sessions delivery reports on this thread are counted for the message's account.
      result =
          ScopedValue.where(dev.petrel.report.TlsSessionRecorder.ACCOUNT, job.message().account())
              .call(() -> deliverer.deliver(work, permit));
    } catch (InterruptedException e) {
      giveBack(job, clock.instant());
      return;
    } catch (RuntimeException e) {
      LOG.warn(
          "delivery of {} to {} failed unexpectedly: {}",
          job.message().id(),
          job.domain(),
          e.toString());
      giveBack(job, clock.instant().plus(Duration.ofMinutes(1)));
      return;
    }
    // A stop interrupts deliveries in flight: their results (deferred, reply lost) are still
    // recorded, so the interrupt must not also abort the store's writes.
    boolean stopping = Thread.interrupted();
    recorder.record(job, result, stopping);
  }

  private void giveBack(DeliveryJob job, Instant next) {
    try {
      store.unclaim(job, next);
    } catch (StorageException | RuntimeException e) {
      LOG.warn(
          "cannot give back {}: {} (its lease will run out)", job.message().id(), e.toString());
    }
  }

  /**
   * Stops claiming, interrupts deliveries in progress (they are recorded as deferred or given back)
   * and waits up to {@code timeout} for them.
   */
  public void stop(Duration timeout) {
    Thread t;
    synchronized (this) {
      t = loop;
      running = false;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(timeout.toMillis() + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS))
        LOG.warn("delivery: some deliveries did not stop in time; their leases will run out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
