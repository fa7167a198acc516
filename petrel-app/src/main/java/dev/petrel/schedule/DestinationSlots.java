package dev.petrel.schedule;

import dev.petrel.deliver.Deliverer;
import dev.petrel.deliver.DestinationLimiter;
import dev.petrel.model.DeliveryWaits;
import dev.petrel.model.QueueId;
import dev.petrel.queue.DeliveryJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link DeliveryScheduler}'s slots per destination, and the waits they cause: which jobs hold
 * a slot for which destination, which destinations are full (their domains left out of claims), and
 * which recipients are held back by their destination's limits right now (what {@link
 * DeliveryWaits} answers).
 */
final class DestinationSlots implements DeliveryWaits {

  private final Deliverer deliverer;

  /** Called when a full destination takes claims again. */
  private final Runnable claimable;

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

  /**
   * Recipients held back by their destination's limits right now, by message and position: jobs
   * waiting for admission, and jobs given back because their destination holds its cap. An entry
   * ends when its job starts delivering, or when the destination takes claims again.
   */
  private final Map<QueueId, Map<Integer, Waiting>> waits = new ConcurrentHashMap<>();

  private volatile Runnable waitsChanged = () -> {};

  DestinationSlots(Deliverer deliverer, Runnable claimable) {
    this.deliverer = deliverer;
    this.claimable = claimable;
  }

  /** Sets who hears that the waits changed; by default none. */
  void onWaitsChanged(Runnable listener) {
    this.waitsChanged = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public List<Waiting> of(QueueId id) {
    Map<Integer, Waiting> m = waits.get(id);
    return m == null ? List.of() : List.copyOf(m.values());
  }

  /** Every wait now, by message. */
  Map<QueueId, List<Waiting>> waits() {
    Map<QueueId, List<Waiting>> out = new LinkedHashMap<>();
    waits.forEach((id, m) -> out.put(id, List.copyOf(m.values())));
    return out;
  }

  /** Notes that the job's recipients wait for their destination, and why. */
  void waiting(DeliveryJob job, String destination) {
    DestinationLimiter.State s = deliverer.limiter().state(destination);
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
  synchronized boolean hold(String domain, String destination) {
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

  /** Gives back the slot a job held. */
  synchronized void done(String destination) {
    int n = held.getOrDefault(destination, 0) - 1;
    if (n <= 0) {
      held.remove(destination);
      heldDomains.values().removeIf(destination::equals);
    } else held.put(destination, n);
    if (n <= cap(destination) / 2 && full.remove(destination)) {
      notWaiting(destination);
      claimable.run();
    }
  }

  /** Domains of the destinations marked full: claims leave them out. */
  synchronized List<String> fullDomains() {
    List<String> out = new ArrayList<>();
    for (var e : heldDomains.entrySet()) if (full.contains(e.getValue())) out.add(e.getKey());
    return out;
  }

  /**
   * Waits until the destination admits the job. While it waits, its recipients say why (the
   * destination slowed down, or all its connections in use) and until when.
   */
  DestinationLimiter.Permit admit(DeliveryJob job, String destination) throws InterruptedException {
    DestinationLimiter limiter = deliverer.limiter();
    DestinationLimiter.Admission a = limiter.tryAcquire(destination);
    if (a.admitted()) {
      notWaiting(job);
      return a.permit();
    }
    waiting(job, destination);
    try {
      return limiter.acquire(destination);
    } finally {
      notWaiting(job);
    }
  }
}
