package dev.petrel.queue;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler's side of the queue: claims under a lease, attempts and reports recorded by the
 * holder of the lease, leases given back. A role of {@link MessageStore}.
 */
public interface DeliveryQueue {

  /**
   * Claims recipients due at {@code now} (queued, or deferred with their next attempt reached),
   * leasing them for {@code lease}: until then no other claim returns them; when a lease runs out
   * without an attempt being recorded (a crashed node), they are due again. Held messages, paused
   * destinations and recipients on their account's suppression list are skipped; the latter are
   * moved to {@code suppressed} here, with an attempt saying so, and never reach the network.
   *
   * <p>Fresh mail is not starved by retries: see the implementation for the lane rule.
   *
   * @param limit at most this many recipients in all
   * @return jobs grouped by message and recipient domain
   */
  List<DeliveryJob> claimDue(Instant now, int limit, Duration lease) throws StorageException;

  /**
   * As {@link #claimDue(Instant, int, Duration)}, leaving out recipients of the domains in {@code
   * skipDomains} (lower case): destinations the caller cannot deliver to now (all their connections
   * busy), whose backlog must not fill claims that other destinations' mail is waiting for. A store
   * may return some of them anyway (the embedded one skips at most {@value #MAX_SKIPPED_DOMAINS}
   * domains); the caller gives such work back with {@link #unclaim}.
   */
  default List<DeliveryJob> claimDue(
      Instant now, int limit, Duration lease, java.util.Collection<String> skipDomains)
      throws StorageException {
    return claimDue(now, limit, lease);
  }

  /** How many domains a claim skips at most (see the four-argument {@code claimDue}). */
  int MAX_SKIPPED_DOMAINS = 64;

  /**
   * Records one attempt of one claimed recipient and moves it to its next state, in one
   * transaction, ending its lease. False, and nothing written, when the lease is no longer this
   * job's (it ran out and someone else claimed the recipient) or the recipient is unknown. When an
   * operator cancelled the recipient meanwhile, the attempt is still recorded and it stays
   * cancelled unless the attempt delivered it.
   */
  boolean recordAttempt(
      DeliveryJob job, int position, AttemptRecord attempt, RecipientUpdate update)
      throws StorageException;

  /**
   * Gives claimed recipients back without an attempt (e.g. the destination's connection limit is
   * reached), due again at {@code nextAttempt}. Recipients whose lease is no longer the job's are
   * left alone.
   */
  void unclaim(DeliveryJob job, Instant nextAttempt) throws StorageException;

  /**
   * Records a report about one recipient that arrived by mail after delivery (an asynchronous
   * bounce, a delay notice, an auto-reply, a complaint) as an attempt, and when {@code bounce} is
   * set ends the recipient's delivery: one that is delivered or still waiting (queued, deferred,
   * even in flight) becomes {@code bounced}, and loses its lease, so an attempt in flight then
   * records nothing. A recipient already in another final state keeps it. One transaction, on
   * stable storage when this returns.
   *
   * @return the recipient's state before the report, or empty (nothing written) when the message or
   *     the position is unknown
   */
  Optional<RecipientState> recordReport(
      QueueId id, int position, AttemptRecord attempt, boolean bounce) throws StorageException;

  /**
   * Ends this node's leases: those a previous run of the node left behind (a process killed while
   * delivering leaves its claims leased until they run out, minutes, and a restart must not wait
   * for its own work), or its own at a clean stop. Every lease names the node that took it; other
   * nodes' leases are left to run out. Recipients still waiting become due at {@code now} and are
   * marked as possible duplicates, since an interrupted attempt may have delivered them. Call it
   * only while this node is not delivering; returns how many recipients were released.
   */
  default int releaseLeases(Instant now) throws StorageException {
    return 0;
  }
}
