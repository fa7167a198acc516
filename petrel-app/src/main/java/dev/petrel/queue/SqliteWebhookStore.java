package dev.petrel.queue;

import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link WebhookStore} on the embedded database, sharing the queue store's writer and readers. */
final class SqliteWebhookStore implements WebhookStore {

  private final SqlMessageStore store;

  SqliteWebhookStore(SqlMessageStore store) {
    this.store = store;
  }

  @Override
  public void createWebhook(Webhook w) throws StorageException {
    // One statement checks the account and inserts: an account removed meanwhile cannot get one.
    if (!store.writer().call(c -> WebhookRows.insert(c, w), false, "adding webhook " + w.id()))
      throw new IllegalArgumentException("no account named '" + w.account() + "'");
  }

  @Override
  public Optional<Webhook> findWebhook(String account, String id) throws StorageException {
    return Optional.ofNullable(
        store.read(c -> WebhookRows.find(c, account, id), "reading webhook " + id));
  }

  @Override
  public List<Webhook> webhooks(String account) throws StorageException {
    return store.read(c -> WebhookRows.list(c, account), "listing webhooks");
  }

  @Override
  public boolean deleteWebhook(String account, String id) throws StorageException {
    return store
        .writer()
        .call(c -> WebhookRows.delete(c, account, id), false, "removing webhook " + id);
  }

  @Override
  public List<Pending> due(String webhook, Instant now, int limit) throws StorageException {
    return store.read(
        c -> WebhookRows.due(c, webhook, now.toEpochMilli(), limit),
        "reading the events due at webhook " + webhook);
  }

  @Override
  public List<Pending> claim(String webhook, Instant now, int limit, Duration lease)
      throws StorageException {
    if (limit <= 0) throw new IllegalArgumentException("limit must be positive");
    if (lease == null || lease.isNegative() || lease.isZero())
      throw new IllegalArgumentException("the lease must be positive");
    // The dispatcher asks every second for every webhook: an idle one costs a read, not a write.
    long at = now.toEpochMilli();
    if (!store.read(c -> WebhookRows.hasDue(c, webhook, at), "reading webhook work"))
      return List.of();
    String leaseId = UUID.randomUUID().toString();
    return store
        .writer()
        .call(
            c -> WebhookRows.claim(c, webhook, at, limit, at + lease.toMillis(), leaseId),
            false,
            "taking the events due at webhook " + webhook);
  }

  @Override
  public boolean recordTry(Pending claimed, WebhookDelivery attempt) throws StorageException {
    if (attempt.state() == WebhookDelivery.State.PENDING && attempt.nextAttempt() == null)
      throw new IllegalArgumentException("a pending try needs its next attempt");
    if (claimed.lease() == null) throw new IllegalArgumentException("the event was not claimed");
    if (!claimed.webhook().equals(attempt.webhook()) || claimed.event().id() != attempt.eventId())
      throw new IllegalArgumentException("the try is not of the claimed event");
    return store
        .writer()
        .call(
            c -> WebhookRows.recordTry(c, claimed, attempt),
            false,
            "logging a try at webhook " + attempt.webhook());
  }

  @Override
  public void release(Pending claimed, Instant due) throws StorageException {
    if (claimed.lease() == null) return;
    store
        .writer()
        .call(
            c -> WebhookRows.release(c, claimed, due.toEpochMilli()),
            false,
            "giving back an event of webhook " + claimed.webhook());
  }

  @Override
  public List<WebhookDelivery> deliveries(String webhook, int limit) throws StorageException {
    return store.read(
        c -> WebhookRows.deliveries(c, webhook, limit), "reading the log of webhook " + webhook);
  }
}
