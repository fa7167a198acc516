package dev.petrel.queue;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reading the queue: messages, their bodies and delivery histories, and the gauges of its depth and
 * age. A role of {@link MessageStore}.
 */
public interface MessageQueries {

  /** One message's envelope, size, recipients and their states; empty when unknown. */
  Optional<StoredMessage> find(QueueId id) throws StorageException;

  /** Messages in queue order (oldest first), at most {@code limit}. */
  List<StoredMessage> list(int limit) throws StorageException;

  /** One page of an account's messages, newest first, matching the query's filters. */
  List<StoredMessage> search(MessageQuery query) throws StorageException;

  /** Opens the stored body (as received, with Petrel's Received header first). */
  InputStream openBody(QueueId id) throws IOException;

  /** Each recipient's next attempt and attempts, in envelope order; empty for an unknown id. */
  List<RecipientDelivery> deliveries(QueueId id) throws StorageException;

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
}
