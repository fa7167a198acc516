package dev.petrel.schedule;

import dev.petrel.deliver.Attempt;
import dev.petrel.deliver.RecipientResult;
import dev.petrel.deliver.TransferResult;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.RecipientUpdate;
import dev.petrel.queue.RetrySchedule;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.DsnWriter;
import dev.petrel.report.Suppressions;
import dev.petrel.status.ReplyStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes back what delivery reported for one job: one attempt per recipient (after the servers
 * passed over) with its next state from the {@link RetrySchedule}, then suppression entries for
 * dead addresses and a delivery status notification to the sender for recipients whose delivery
 * ended in failure. It tells the {@link AttemptObserver} of each attempt recorded.
 */
final class AttemptRecorder {

  private static final Logger LOG = LoggerFactory.getLogger("deliver");

  /** What {@link #recordFailovers} writes as the action of a server that was passed over. */
  static final String NEXT_SERVER = "next-server";

  private final MessageStore store;
  private final RetrySchedule retry;
  private final Suppressions suppressions;
  private final DsnWriter dsn;
  private final InstantSource clock;

  /** Called when there is new work due: a retry recorded, or a notice queued. */
  private final Runnable due;

  /** Whether the scheduler still runs (a node that stops gives up waiting for the store). */
  private final java.util.function.BooleanSupplier running;

  private volatile AttemptObserver observer = AttemptObserver.NONE;

  AttemptRecorder(
      MessageStore store,
      RetrySchedule retry,
      DsnWriter dsn,
      InstantSource clock,
      Runnable due,
      java.util.function.BooleanSupplier running) {
    this.store = store;
    this.retry = retry;
    this.suppressions = new Suppressions(store);
    this.dsn = dsn;
    this.clock = clock;
    this.due = due;
    this.running = running;
  }

  void observeWith(AttemptObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Records the result of delivering {@code job}.
   *
   * @param stopping whether this node interrupted the delivery as it stops
   */
  void record(DeliveryJob job, TransferResult result, boolean stopping) {
    StoredMessage m = job.message();
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
          d.update().state().name().toLowerCase(Locale.ROOT),
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
    if (retrying && !stopping) due.run();
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
        if (!running.getAsBoolean()
            || !clock.instant().plus(UNREACHABLE_RETRY).isBefore(job.leaseUntil())) throw e;
        try {
          Thread.sleep(UNREACHABLE_RETRY);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
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
        action,
        a.tlsFacts() == null ? null : a.tlsFacts().verified(),
        a.tlsFacts() == null ? null : a.tlsFacts().policy(),
        a.tlsFacts() == null ? null : a.tlsFacts().problem());
  }

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
                due.run();
              });
    } catch (StorageException | IOException | RuntimeException e) {
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
  private RecipientUpdate dueAtOnceIfCut(RecipientUpdate update, boolean stopping) {
    if (!stopping || update.state() != RecipientState.DEFERRED) return update;
    return new RecipientUpdate(update.state(), clock.instant(), update.possibleDuplicate());
  }
}
