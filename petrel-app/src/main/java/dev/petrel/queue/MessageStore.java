package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The queue's durable store: the only owner of message state. One interface, an embedded
 * implementation (SQLite in the data folder) and later a PostgreSQL one; callers never see which.
 *
 * <p>Exceptions say what the caller should answer: {@link StorageFullException} means "452 4.3.1,
 * try later, nothing was kept"; {@link StorageException} means "451 4.3.0, nothing was kept". After
 * {@link Spool#commit()} returns, the message and its envelope are on stable storage (fsync'd).
 *
 * <p>Implementations are thread-safe.
 */
public interface MessageStore extends AutoCloseable {

  /**
   * Starts receiving a message: allocates its queue id and a place for the body, which the caller
   * then streams into {@link Spool#body()}.
   *
   * @throws StorageFullException when free disk space is below the configured reserve
   * @throws StorageException when the store cannot take the message now
   */
  Spool begin(Envelope envelope) throws StorageException;

  /** One message's envelope, size, recipients and their states; empty when unknown. */
  Optional<StoredMessage> find(QueueId id) throws StorageException;

  /** Messages in queue order (oldest first), at most {@code limit}. */
  List<StoredMessage> list(int limit) throws StorageException;

  /** One page of an account's messages, newest first, matching the query's filters. */
  List<StoredMessage> search(MessageQuery query) throws StorageException;

  /** Opens the stored body (as received, with Petrel's Received header first). */
  InputStream openBody(QueueId id) throws IOException;

  /** Holds a message: delivery does not touch it until released. False when the id is unknown. */
  boolean hold(QueueId id) throws StorageException;

  /** Releases a held message. False when the id is unknown. */
  boolean release(QueueId id) throws StorageException;

  /** Deletes a message and its body. False when the id is unknown. */
  boolean delete(QueueId id) throws StorageException;

  // ---- delivery: the scheduler's side of the queue ----

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

  /** Each recipient's next attempt and attempts, in envelope order; empty for an unknown id. */
  List<RecipientDelivery> deliveries(QueueId id) throws StorageException;

  /**
   * Makes the selected recipients that still wait (queued or deferred, not in flight) due at {@code
   * now}. Returns how many.
   */
  int retryNow(Selection selection, Instant now) throws StorageException;

  /** Moves the selected recipients that are not final to {@code cancelled}. Returns how many. */
  int cancel(Selection selection, Instant now) throws StorageException;

  /** Pauses delivery to one domain, or to all when {@code domain} is null. Acceptance goes on. */
  void pause(String domain, Instant now) throws StorageException;

  /** Resumes a paused domain, or lifts the pause of everything when {@code domain} is null. */
  void resume(String domain) throws StorageException;

  /** The paused domains; the empty string stands for "everything". */
  Set<String> paused() throws StorageException;

  /** Adds (or replaces) an entry of a suppression list. True when the address was not on it. */
  boolean addSuppression(Suppression suppression) throws StorageException;

  /** Adds (or replaces) many entries in one atomic step: all or none. Returns how many were new. */
  default int addSuppressions(List<Suppression> suppressions) throws StorageException {
    int added = 0;
    for (Suppression s : suppressions) if (addSuppression(s)) added++;
    return added;
  }

  /** Removes an address from an account's list. False when it was not on it. */
  boolean removeSuppression(String account, String address) throws StorageException;

  /** One entry, if the address is on the account's list (case-insensitive). */
  Optional<Suppression> findSuppression(String account, String address) throws StorageException;

  /** An account's list, oldest first, at most {@code limit}. */
  List<Suppression> suppressions(String account, int limit) throws StorageException;

  /**
   * One account's statistics from {@code from} (inclusive) to {@code to} (exclusive), in buckets of
   * {@code bucket} aligned to the epoch (so to UTC hours and days).
   */
  default Statistics statistics(String account, Instant from, Instant to, Duration bucket)
      throws StorageException {
    throw new UnsupportedOperationException("this store keeps no statistics");
  }

  /** Recipients waiting for delivery, by state (queued, deferred): a count, for the gauge. */
  default java.util.Map<RecipientState, Long> depth() throws StorageException {
    throw new UnsupportedOperationException("this store does not count its queue");
  }

  /**
   * When the oldest message that has a recipient due for delivery at {@code now} was accepted;
   * empty when nothing is due (for the queue-age gauge).
   */
  default java.util.Optional<Instant> oldestDue(Instant now) throws StorageException {
    throw new UnsupportedOperationException("this store does not age its queue");
  }

  /** Closes the store cleanly (pending commits finish first). */
  @Override
  void close() throws StorageException;
}
