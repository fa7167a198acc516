package dev.petrel.schedule;

import dev.petrel.deliver.Attempt;
import dev.petrel.deliver.Deliverer;
import dev.petrel.deliver.DestinationLimiter;
import dev.petrel.deliver.RecipientResult;
import dev.petrel.deliver.TransferResult;
import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.RetrySchedule;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.DsnWriter;
import dev.petrel.report.Suppressions;
import dev.petrel.report.Verp;
import dev.petrel.status.ReplyStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that joins the queue and the client: it claims due recipients from the store in bounded
 * batches, hands each job (one message, one domain) to the {@link Deliverer} on its own virtual
 * thread under a bound on concurrent jobs, and writes back what happened: one attempt per recipient
 * with its next state from the {@link RetrySchedule}, suppression entries for dead addresses, and a
 * delivery status notification to the sender for recipients whose delivery ended in failure.
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
  private final RetrySchedule retry;
  private final Suppressions suppressions;
  private final DsnWriter dsn;
  private final Verp verp;
  private final InstantSource clock;
  private final Settings settings;
  private final Semaphore slots;
  private final Semaphore wakeUp = new Semaphore(0);
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running;
  private volatile java.util.function.BiFunction<
          StoredMessage, dev.petrel.deliver.DeliveryJob, dev.petrel.deliver.DeliveryJob>
      signer = (m, job) -> job;
  private volatile AttemptObserver observer = AttemptObserver.NONE;
  private Thread loop;

  /**
   * Jobs holding a slot per destination (delivering, or waiting for the destination to admit them),
   * and the domains they were for. A destination holds at most {@link #cap} slots: beyond that its
   * jobs are given back and its domains are left out of claims until one finishes, so a backlog for
   * a slow or slowed-down destination cannot take every slot while other mail waits.
   */
  private final Map<String, Integer> held = new HashMap<>();

  private final Map<String, String> heldDomains = new HashMap<>();

  /**
   * Destinations that reached their cap; claims leave their domains out until they are down to half
   * of it, so each return to a backlogged destination starts many jobs per claim instead of one
   * (and the rest given back).
   */
  private final Set<String> full = new HashSet<>();

  /** When work given back because its destination was full is due again. */
  private static final Duration FULL_RETRY = Duration.ofSeconds(1);

  /**
   * Recipients held back by their destination's limits right now, by message and position: jobs
   * waiting for admission, and jobs given back because their destination holds its cap. An entry
   * ends when its job starts delivering, or when the destination takes claims again.
   */
  private final Map<QueueId, Map<Integer, Waiting>> waits = new ConcurrentHashMap<>();

  private volatile Runnable waitsChanged = () -> {};

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
    this.verp = verp;
    this.store = Objects.requireNonNull(store, "store");
    this.deliverer = Objects.requireNonNull(deliverer, "deliverer");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.suppressions = new Suppressions(store);
    this.dsn = Objects.requireNonNull(dsn, "dsn");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.slots = new Semaphore(settings.concurrency());
  }

  /** Sets how a job is prepared just before delivery (DKIM signing); by default it is not. */
  public void signWith(
      java.util.function.BiFunction<
              StoredMessage, dev.petrel.deliver.DeliveryJob, dev.petrel.deliver.DeliveryJob>
          signer) {
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** Sets who hears each recorded attempt (metrics); by default nobody. */
  public void observeWith(AttemptObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
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
    List<DeliveryJob> jobs;
    try {
      jobs =
          store.claimDue(
              clock.instant(),
              Math.min(settings.batch(), free * 50),
              settings.lease(),
              fullDomains());
    } catch (StorageException | RuntimeException e) {
      slots.release(free);
      throw e;
    }
    int started = 0;
    List<DeliveryJob> full = new ArrayList<>();
    for (DeliveryJob job : split(jobs)) {
      String destination = destinationOf(job);
      if (!hold(job.domain(), destination)) {
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
              done(destination);
              slots.release();
            }
          });
    }
    if (free > 0) slots.release(free);
    // Given back on virtual threads, so the store's writer commits them together.
    Instant later = clock.instant().plus(FULL_RETRY);
    for (DeliveryJob job : full) {
      String destination = destinationOf(job);
      waiting(job, destination, deliverer.limiter().state(destination));
      workers.execute(() -> giveBack(job, later));
    }
    return started;
  }

  /**
   * Jobs whose recipients have different destination keys (a domain kept per local part, such as
   * the simulator's) split into one job per key, so each waits only for its own key's limits.
   */
  private List<DeliveryJob> split(List<DeliveryJob> jobs) {
    List<DeliveryJob> out = new ArrayList<>(jobs.size());
    for (DeliveryJob job : jobs) {
      Map<String, List<DeliveryJob.JobRecipient>> byKey = new LinkedHashMap<>();
      for (DeliveryJob.JobRecipient r : job.recipients())
        byKey
            .computeIfAbsent(deliverer.destinationOf(r.recipient()), k -> new ArrayList<>())
            .add(r);
      if (byKey.size() <= 1) out.add(job);
      else
        for (List<DeliveryJob.JobRecipient> part : byKey.values())
          out.add(
              new DeliveryJob(job.message(), job.domain(), job.leaseId(), job.leaseUntil(), part));
    }
    return out;
  }

  private String destinationOf(DeliveryJob job) {
    return job.recipients().isEmpty()
        ? deliverer.destinationOf(job.domain())
        : deliverer.destinationOf(job.recipients().getFirst().recipient());
  }

  /** Sets who hears that the waits changed (the file {@code queue show} reads); by default none. */
  public void onWaitsChanged(Runnable listener) {
    this.waitsChanged = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public List<Waiting> of(QueueId id) {
    Map<Integer, Waiting> m = waits.get(id);
    return m == null ? List.of() : List.copyOf(m.values());
  }

  /** Every wait now, by message. */
  public Map<QueueId, List<Waiting>> waits() {
    Map<QueueId, List<Waiting>> out = new LinkedHashMap<>();
    waits.forEach((id, m) -> out.put(id, List.copyOf(m.values())));
    return out;
  }

  /** Notes that the job's recipients wait for their destination, and why. */
  private void waiting(DeliveryJob job, String destination, DestinationLimiter.State s) {
    String reason = s.slowed() ? DESTINATION_SLOWED : CONNECTION_LIMIT;
    // Each change of a message's entry is one atomic compute, so none is lost to a removal.
    waits.compute(
        job.message().id(),
        (id, m) -> {
          Map<Integer, Waiting> out = m == null ? new ConcurrentHashMap<>() : m;
          for (DeliveryJob.JobRecipient r : job.recipients())
            out.put(
                r.position(),
                new Waiting(
                    r.position(),
                    reason,
                    destination,
                    s.slowed() ? s.slowedUntil() : null,
                    s.slowed() ? s.cause() : null));
          return out;
        });
    waitsChanged.run();
  }

  /** The job's recipients no longer wait. */
  private void notWaiting(DeliveryJob job) {
    boolean[] changed = {false};
    waits.computeIfPresent(
        job.message().id(),
        (id, m) -> {
          for (DeliveryJob.JobRecipient r : job.recipients())
            changed[0] |= m.remove(r.position()) != null;
          return m.isEmpty() ? null : m;
        });
    if (changed[0]) waitsChanged.run();
  }

  /** The destination takes claims again: its given-back work is due, no longer held back. */
  private void notWaiting(String destination) {
    boolean[] changed = {false};
    for (QueueId key : List.copyOf(waits.keySet()))
      waits.computeIfPresent(
          key,
          (id, m) -> {
            changed[0] |= m.values().removeIf(w -> w.destination().equals(destination));
            return m.isEmpty() ? null : m;
          });
    if (changed[0]) waitsChanged.run();
  }

  /** Most slots one destination may hold: its connections now, and as many jobs waiting. */
  private int cap(String destination) {
    return 2 * deliverer.limiter().state(destination).connectionLimit();
  }

  /**
   * Takes a slot for a job to {@code destination}; false when the destination holds its cap. A
   * destination kept per local part is not its domain's only one, so its being full leaves the
   * domain in claims (its extra work is given back and claimed again).
   */
  private synchronized boolean hold(String domain, String destination) {
    int n = held.getOrDefault(destination, 0);
    if (full.contains(destination)) return false;
    if (n >= cap(destination)) {
      full.add(destination);
      return false;
    }
    held.put(destination, n + 1);
    if (destination.equals(deliverer.destinationOf(domain))) heldDomains.put(domain, destination);
    return true;
  }

  private synchronized void done(String destination) {
    int n = held.getOrDefault(destination, 0) - 1;
    if (n <= 0) {
      held.remove(destination);
      heldDomains.values().removeIf(destination::equals);
    } else held.put(destination, n);
    if (n <= cap(destination) / 2 && full.remove(destination)) {
      notWaiting(destination);
      wake(); // claimable again
    }
  }

  /** Domains of the destinations marked full: claims leave them out. */
  private synchronized List<String> fullDomains() {
    List<String> out = new ArrayList<>();
    for (var e : heldDomains.entrySet()) if (full.contains(e.getValue())) out.add(e.getKey());
    return out;
  }

  private void deliver(DeliveryJob job, String destination) {
    StoredMessage m = job.message();
    List<Recipient> rcpts =
        job.recipients().stream().map(DeliveryJob.JobRecipient::recipient).toList();
    dev.petrel.deliver.DeliveryJob work =
        new dev.petrel.deliver.DeliveryJob(
            m.id().value(),
            returnPath(m, job),
            rcpts,
            m.size(),
            // Petrel's own X-Petrel-* fields stay in the store (the API's tags) and never leave.
            () -> dev.petrel.content.InternalHeaders.stripped(store.openBody(m.id())),
            m.smtputf8(),
            m.body() != null && !m.body().equalsIgnoreCase("7BIT"),
            m.dsnRet(),
            m.dsnEnvid());
    work = signer.apply(m, work);
    TransferResult result;
    try (DestinationLimiter.Permit permit = admit(job, destination)) {
      result = deliverer.deliver(work, permit);
    } catch (InterruptedException e) {
      giveBack(job, clock.instant());
      return;
    } catch (RuntimeException e) {
      LOG.warn("delivery of {} to {} failed unexpectedly: {}", m.id(), job.domain(), e.toString());
      giveBack(job, clock.instant().plus(Duration.ofMinutes(1)));
      return;
    }
    // A stop interrupts deliveries in flight: their results (deferred, reply lost) are still
    // recorded, so the interrupt must not also abort the store's writes.
    boolean stopping = Thread.interrupted();
    // A local failure while the store cannot be reached (the body could not be read) says nothing
    // about the destination: the recipient is due again as soon as the store answers.
    boolean storeLost = store.unreachableSince().isPresent();
    for (Attempt f : result.failovers())
      LOG.info(
          "{} {}: server {} [{}] not used: {}",
          m.id(),
          job.domain(),
          f.mxHost(),
          f.mxIp(),
          oneLine(f));
    List<DsnWriter.Failure> failures = new ArrayList<>();
    boolean retrying = false;
    for (int i = 0; i < job.recipients().size(); i++) {
      DeliveryJob.JobRecipient jr = job.recipients().get(i);
      RecipientResult r = result.recipients().get(i);
      RetrySchedule.Decision d = decide(m, jr, r);
      Attempt a = r.attempt();
      ReplyStatus s = a.classification();
      recordFailovers(m, jr, result.failovers());
      AttemptRecord record =
          record(
              a,
              d.reason() != null ? d.reason() : s.reason() == null ? null : s.reason().id(),
              s.action() == null ? null : s.action().id());
      try {
        if (!recordAttempt(
            job,
            jr.position(),
            record,
            dueAtOnceIfCut(d.update(), stopping || (storeLost && !a.remote())))) {
          LOG.info("{} <{}>: lease lost, attempt not recorded", m.id(), jr.recipient().address());
          continue;
        }
      } catch (StorageException e) {
        // The lease runs out and the recipient is tried again: nothing accepted is lost.
        LOG.warn(
            "{} <{}>: cannot record attempt: {}", m.id(), jr.recipient().address(), e.toString());
        continue;
      }
      observer.recorded(m, job.domain(), record, d.update().state());
      LOG.info(
          "{} <{}>: {} via {} [{}]: {} {}",
          m.id(),
          jr.recipient().address(),
          d.update().state().name().toLowerCase(java.util.Locale.ROOT),
          a.mxHost(),
          a.mxIp(),
          a.phase().id(),
          oneLine(a));
      switch (d.outcome()) {
        case BOUNCED -> {
          suppress(m, jr, s, a.at());
          failures.add(failure(jr.recipient(), a, s, statusOf(a, "5.0.0")));
        }
        case EXPIRED -> failures.add(failure(jr.recipient(), a, s, "4.4.7"));
        case DEFERRED, REPLY_LOST -> retrying = true;
        case DELIVERED -> {}
      }
    }
    if (!failures.isEmpty()) notifySender(m, failures);
    if (retrying && !stopping) wake();
  }

  /**
   * Waits until the destination admits the job. While it waits, its recipients say why (the
   * destination slowed down, or all its connections in use) and until when.
   */
  private DestinationLimiter.Permit admit(DeliveryJob job, String destination)
      throws InterruptedException {
    DestinationLimiter limiter = deliverer.limiter();
    DestinationLimiter.Admission a = limiter.tryAcquire(destination);
    if (a.admitted()) {
      notWaiting(job);
      return a.permit();
    }
    waiting(job, destination, limiter.state(destination));
    try {
      return limiter.acquire(destination);
    } finally {
      notWaiting(job);
    }
  }

  /**
   * The reverse path of one transaction: the null sender stays null (a notice is never answered by
   * a notice); any other becomes a VERP return path. It names the recipient when the message has a
   * single recipient at this domain, else the message only (the bounce's own recipient fields then
   * say which one failed). The choice depends on the message, not on which recipients this attempt
   * carries, so a recipient's return path is the same on every retry: greylisting remembers the
   * sender, and a new one each time would be greylisted again.
   */
  private EmailAddress returnPath(StoredMessage m, DeliveryJob job) {
    if (verp == null || m.sender() == null) return m.sender();
    long atDomain =
        m.recipients().stream()
            .filter(r -> r.address().domain().equalsIgnoreCase(job.domain()))
            .count();
    return atDomain == 1
        ? verp.returnPath(m.id(), job.recipients().getFirst().position())
        : verp.returnPath(m.id());
  }

  private RetrySchedule.Decision decide(
      StoredMessage m, DeliveryJob.JobRecipient jr, RecipientResult r) {
    int attempts = jr.attempts() + 1;
    ReplyStatus s = r.attempt().classification();
    return switch (r.outcome()) {
      case DELIVERED -> new RetrySchedule.Decision(RetrySchedule.Outcome.DELIVERED, null, null);
      // A permanent failure ends delivery even when Petrel itself wrote the reply (null MX...).
      case FAILED -> new RetrySchedule.Decision(RetrySchedule.Outcome.BOUNCED, null, null);
      case DEFERRED -> retry.afterReply(m.created(), attempts, s);
      case REPLY_LOST -> retry.afterLostReply(m.created(), attempts);
    };
  }

  private void suppress(StoredMessage m, DeliveryJob.JobRecipient jr, ReplyStatus s, Instant at) {
    try {
      suppressions
          .onOutcome(m.account(), jr.recipient().address(), s, at)
          .ifPresent(x -> LOG.info("suppressed <{}>: {}", x.address(), x.reason()));
    } catch (StorageException e) {
      LOG.warn("cannot suppress <{}>: {}", jr.recipient().address(), e.toString());
    }
  }

  private static String statusOf(Attempt a, String fallback) {
    var e = a.reply().enhanced();
    if (e != null && e.klass() == 5) return e.toString();
    return fallback;
  }

  private static DsnWriter.Failure failure(Recipient r, Attempt a, ReplyStatus s, String status) {
    return new DsnWriter.Failure(
        r,
        "failed",
        status,
        a.remote() ? a.mxHost() : null,
        a.reply().hasCode() ? a.reply().code() : null,
        a.reply().enhanced() == null ? null : a.reply().enhanced().toString(),
        a.reply().text(),
        a.at(),
        s.meaning());
  }

  /** An attempt as the store keeps it, with the reason and action decided for it. */
  private static AttemptRecord record(Attempt a, String reason, String action) {
    ReplyStatus s = a.classification();
    return new AttemptRecord(
        a.at(),
        a.mxHost(),
        a.mxIp(),
        a.tls(),
        a.phase().id(),
        a.reply().hasCode() ? a.reply().code() : null,
        a.reply().enhanced() == null ? null : a.reply().enhanced().toString(),
        a.reply().text(),
        s.bounce() == null ? null : s.bounce().id(),
        reason,
        action);
  }

  /** What {@link #recordFailovers} writes as the action of a server that was passed over. */
  static final String NEXT_SERVER = "next-server";

  /**
   * Servers tried before the one that decided (connection refused, a 4xx greeting, a TLS failure
   * before falling back) are attempts too: each is kept in the recipient's history, before the
   * deciding attempt, with action {@value #NEXT_SERVER}. They change no state; a failure to write
   * one is logged and does not stop the deciding attempt from being recorded.
   */
  private void recordFailovers(StoredMessage m, DeliveryJob.JobRecipient jr, List<Attempt> failed) {
    for (Attempt f : failed) {
      ReplyStatus s = f.classification();
      AttemptRecord record = record(f, s.reason() == null ? null : s.reason().id(), NEXT_SERVER);
      try {
        store.recordReport(m.id(), jr.position(), record, false);
      } catch (StorageException e) {
        LOG.warn("{} <{}>: cannot record a failover: {}", m.id(), jr.recipient().address(), e);
      }
    }
  }

  private void notifySender(StoredMessage m, List<DsnWriter.Failure> failures) {
    if (m.fromApi()) return; // API senders learn through webhooks, not DSNs
    try {
      dsn.enqueue(store, m, failures)
          .ifPresent(
              id -> {
                LOG.info(
                    "{}: delivery status notification {} queued to <{}>", m.id(), id, m.sender());
                wake();
              });
    } catch (StorageException | java.io.IOException | RuntimeException e) {
      LOG.warn("{}: cannot queue the delivery status notification: {}", m.id(), e.toString());
    }
  }

  private static String oneLine(Attempt a) {
    String code = a.reply().hasCode() ? String.valueOf(a.reply().code()) : "-";
    String enh = a.reply().enhanced() == null ? "" : " " + a.reply().enhanced();
    return code + enh + " " + a.reply().text().replaceAll("[\\r\\n]+", " ");
  }

  /**
   * An attempt this node cut short as it stops says nothing about the destination: the recipient is
   * due again at once (for another node on the same store, or this one's next start) instead of
   * after the retry delay. Its possible-duplicate mark stays.
   */
  private dev.petrel.queue.RecipientUpdate dueAtOnceIfCut(
      dev.petrel.queue.RecipientUpdate update, boolean stopping) {
    if (!stopping || update.state() != dev.petrel.model.RecipientState.DEFERRED) return update;
    return new dev.petrel.queue.RecipientUpdate(
        update.state(), clock.instant(), update.possibleDuplicate());
  }

  /** How long a write that found the store unreachable waits before it is tried again. */
  private static final Duration UNREACHABLE_RETRY = Duration.ofSeconds(1);

  /**
   * Records an attempt; while the store cannot be reached, tries again until it answers, the lease
   * runs out or the node stops, so an outage does not turn a finished delivery into a second one.
   */
  private boolean recordAttempt(
      DeliveryJob job, int position, AttemptRecord record, dev.petrel.queue.RecipientUpdate update)
      throws StorageException {
    while (true) {
      try {
        return store.recordAttempt(job, position, record, update);
      } catch (dev.petrel.queue.StoreUnavailableException e) {
        if (!running || !clock.instant().plus(UNREACHABLE_RETRY).isBefore(job.leaseUntil()))
          throw e;
        try {
          Thread.sleep(UNREACHABLE_RETRY);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
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
