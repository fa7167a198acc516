package dev.petrel.queue;

import java.time.Instant;
import java.util.List;

/**
 * The delivery history of one recipient, for {@code queue show}.
 *
 * @param position the recipient's place in the envelope
 * @param nextAttempt when it is due next, null once its state is final
 * @param inFlight whether a delivery holds a lease on it now
 * @param possibleDuplicate whether an attempt lost the reply after the final dot
 * @param attempts every recorded attempt, oldest first
 */
public record RecipientDelivery(
    int position,
    Instant nextAttempt,
    boolean inFlight,
    boolean possibleDuplicate,
    List<AttemptRecord> attempts) {

  public RecipientDelivery {
    attempts = List.copyOf(attempts);
  }
}
