package dev.petrel.webhooks;

import java.time.Instant;

/**
 * One try of one event at one webhook, as the delivery log keeps it.
 *
 * @param attempt 1 for the first try of the event
 * @param status the HTTP status answered, or null when there was no answer
 * @param error why the try failed (null when delivered)
 * @param durationMillis how long the try took
 * @param nextAttempt when the event is tried again (only when {@code state} is pending)
 */
public record WebhookDelivery(
    long id,
    String webhook,
    long eventId,
    String eventType,
    int attempt,
    Instant at,
    Integer status,
    String error,
    long durationMillis,
    Instant nextAttempt,
    State state) {

  /** What a try left: delivered, to be retried, or given up. */
  public enum State {
    PENDING,
    DELIVERED,
    FAILED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static State of(String id) {
      return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
  }
}
