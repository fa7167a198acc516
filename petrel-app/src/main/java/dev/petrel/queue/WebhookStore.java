package dev.petrel.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks, the events each still has to receive, and the log of tries; in the same store as the
 * events, so handing events out and recording a try are transactions of their own and survive a
 * restart.
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
   * Looks at up to {@code limit} events recorded after the webhook's cursor and puts those it wants
   * on its to-do list, due at {@code now}; moves the cursor past every event looked at. Returns how
   * many were queued.
   */
  int handOut(Webhook webhook, int limit, Instant now) throws StorageException;

  /** An event waiting for a webhook, with the tries made so far. */
  record Pending(String webhook, StoredEvent event, int attempts) {}

  /** Up to {@code limit} of the webhook's waiting events due at {@code now}, oldest due first. */
  List<Pending> due(String webhook, Instant now, int limit) throws StorageException;

  /**
   * Logs a try and updates the to-do list: a pending try reschedules the event at its {@code
   * nextAttempt}, a delivered or failed try removes it. Does nothing when the webhook is gone.
   */
  void recordTry(WebhookDelivery attempt) throws StorageException;

  /** The webhook's log, newest first, at most {@code limit} rows. */
  List<WebhookDelivery> deliveries(String webhook, int limit) throws StorageException;
}
