package dev.petrel.webhooks;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks, the events each still has to receive (an outbox: one row per event and webhook, written
 * in the transaction that records the event), and the log of tries; in the same store as the
 * events, so work survives a restart and is never lost between an event and its hand-out.
 *
 * <p>Exceptions: {@link StorageException} means the store could not answer now; nothing was
 * changed.
 */
public interface WebhookStore {

  /**
   * Stores a new webhook. It receives the events recorded from now on, not older ones.
   *
   * @throws IllegalArgumentException when the account does not exist
   */
  void createWebhook(Webhook webhook) throws StorageException;

  /** The account's webhook with that id; empty for an unknown id or another account's. */
  Optional<Webhook> findWebhook(String account, String id) throws StorageException;

  /** An account's webhooks, oldest first, or every account's when {@code account} is null. */
  List<Webhook> webhooks(String account) throws StorageException;

  /** Removes a webhook with its pending events and log. False when the account has no such id. */
  boolean deleteWebhook(String account, String id) throws StorageException;

  /**
   * An event waiting for a webhook, with the tries made so far.
   *
   * @param lease the claim holding it ({@link #claim}), or null when only read ({@link #due})
   */
  record Pending(String webhook, StoredEvent event, int attempts, String lease) {}

  /**
   * What is waiting for the webhook: up to {@code limit} events due at {@code now}, oldest due
   * first. A read: to send them, {@link #claim} them.
   */
  List<Pending> due(String webhook, Instant now, int limit) throws StorageException;

  /**
   * Takes up to {@code limit} of the webhook's events due at {@code now} for one dispatcher, in
   * event order, under a lease of {@code lease}: until it runs out no other claim returns them, so
   * concurrent dispatchers (threads or nodes) never send one event twice; when it runs out without
   * a try recorded (the dispatcher died), they are due again.
   */
  List<Pending> claim(String webhook, Instant now, int limit, Duration lease)
      throws StorageException;

  /**
   * Logs a try of a claimed event and updates its outbox row: a pending try reschedules the event
   * at its {@code nextAttempt}, a delivered or failed try removes it. Only the claim's holder may:
   * false, and nothing written, when the lease is no longer on the row (it ran out and another
   * claim took the event, or the webhook is gone).
   */
  boolean recordTry(Pending claimed, WebhookDelivery attempt) throws StorageException;

  /**
   * Gives a claimed event back untried, due at {@code due} (a dispatcher stopping). Does nothing
   * when the lease is no longer the claim's.
   */
  void release(Pending claimed, Instant due) throws StorageException;

  /** The webhook's log, newest first, at most {@code limit} rows. */
  List<WebhookDelivery> deliveries(String webhook, int limit) throws StorageException;
}
