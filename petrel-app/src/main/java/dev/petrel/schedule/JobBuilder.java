package dev.petrel.schedule;

import dev.petrel.deliver.Deliverer;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.MessageStore;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.Verp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Turns what the {@link DeliveryScheduler} claimed into delivery's work: claimed jobs split by
 * destination, the destination each is for, and the transfer of one job (its return path, its body
 * without Petrel's own fields, signed when a signer is set).
 */
final class JobBuilder {

  private final MessageStore store;
  private final Deliverer deliverer;
  private final Verp verp;
  private volatile BiFunction<
          StoredMessage, dev.petrel.deliver.DeliveryJob, dev.petrel.deliver.DeliveryJob>
      signer = (m, job) -> job;

  JobBuilder(MessageStore store, Deliverer deliverer, Verp verp) {
    this.store = store;
    this.deliverer = deliverer;
    this.verp = verp;
  }

  void signWith(
      BiFunction<StoredMessage, dev.petrel.deliver.DeliveryJob, dev.petrel.deliver.DeliveryJob>
          signer) {
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /**
   * Jobs whose recipients have different destination keys (a domain kept per local part, such as
   * the simulator's) split into one job per key, so each waits only for its own key's limits.
   */
  List<DeliveryJob> split(List<DeliveryJob> jobs) {
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

  /** The destination whose limits the job waits for. */
  String destinationOf(DeliveryJob job) {
    return job.recipients().isEmpty()
        ? deliverer.destinationOf(job.domain())
        : deliverer.destinationOf(job.recipients().getFirst().recipient());
  }

  /** The transfer of one job, as delivery takes it (signed when a signer is set). */
  dev.petrel.deliver.DeliveryJob transfer(DeliveryJob job) {
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
    return signer.apply(m, work);
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
}
