package dev.petrel.queue;

import dev.petrel.model.RecipientState;
import java.time.Instant;

/**
 * Where a recipient goes after an attempt: {@link RecipientState#DEFERRED} with the time of the
 * next attempt, or a final state (delivered, bounced, expired, suppressed, cancelled) without one.
 *
 * @param possibleDuplicate set when the attempt lost the reply after the final dot (the mail may
 *     have arrived); once set on a recipient it stays set
 */
public record RecipientUpdate(
    RecipientState state, Instant nextAttempt, boolean possibleDuplicate) {

  public RecipientUpdate {
    if (state == null || state == RecipientState.QUEUED)
      throw new IllegalArgumentException("after an attempt a recipient is deferred or final");
    if (state == RecipientState.DEFERRED && nextAttempt == null)
      throw new IllegalArgumentException("a deferred recipient needs its next attempt time");
    if (state.isFinal() && nextAttempt != null)
      throw new IllegalArgumentException("a final state has no next attempt");
  }

  public static RecipientUpdate deferred(Instant next) {
    return new RecipientUpdate(RecipientState.DEFERRED, next, false);
  }

  public static RecipientUpdate finalState(RecipientState state) {
    return new RecipientUpdate(state, null, false);
  }
}
