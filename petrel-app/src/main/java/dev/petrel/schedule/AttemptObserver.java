package dev.petrel.schedule;

import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.StoredMessage;

/**
 * Hears each delivery attempt the {@link DeliveryScheduler} has recorded, with the state it gave
 * the recipient. Metrics subscribe here rather than the scheduler counting anything itself. Called
 * on delivering threads; implementations must be thread-safe, quick and must not throw.
 */
public interface AttemptObserver {

  /**
   * @param message the message the recipient belongs to
   * @param domain the recipient's domain
   * @param attempt the attempt as stored (reply, classification)
   * @param state the recipient's state after it: delivered, deferred, bounced or expired
   */
  void recorded(StoredMessage message, String domain, AttemptRecord attempt, RecipientState state);

  AttemptObserver NONE = (m, d, a, s) -> {};
}
