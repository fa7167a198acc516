package dev.petrel.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link WebhookStore} on the embedded database, sharing the queue store's writer and readers. */
final class SqliteWebhookStore implements WebhookStore {

  private final SqliteMessageStore store;

  SqliteWebhookStore(SqliteMessageStore store) {
    this.store = store;
  }

  @Override
  public void createWebhook(Webhook w) throws StorageException {
    if (store.read(c -> AccountRows.findAccount(c, w.account()), "reading account") == null)
      throw new IllegalArgumentException("no account named '" + w.account() + "'");
    store.writer().call(c -> WebhookRows.insert(c, w), false, "adding webhook " + w.id());
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
  public int handOut(Webhook webhook, int limit, Instant now) throws StorageException {
    if (limit <= 0) throw new IllegalArgumentException("limit must be positive");
    // The dispatcher asks every second for every webhook: an idle one costs a read, not a write.
    if (!store.read(c -> WebhookRows.hasNew(c, webhook.id()), "reading new events")) return 0;
    return store
        .writer()
        .call(
            c -> WebhookRows.handOut(c, webhook, limit, now.toEpochMilli()),
            false,
            "handing out events to webhook " + webhook.id());
  }

  @Override
  public List<Pending> due(String webhook, Instant now, int limit) throws StorageException {
    return store.read(
        c -> WebhookRows.due(c, webhook, now.toEpochMilli(), limit),
        "reading the events due at webhook " + webhook);
  }

  @Override
  public void recordTry(WebhookDelivery attempt) throws StorageException {
    if (attempt.state() == WebhookDelivery.State.PENDING && attempt.nextAttempt() == null)
      throw new IllegalArgumentException("a pending try needs its next attempt");
    store
        .writer()
        .call(
            c -> WebhookRows.recordTry(c, attempt),
            false,
            "logging a try at webhook " + attempt.webhook());
  }

  @Override
  public List<WebhookDelivery> deliveries(String webhook, int limit) throws StorageException {
    return store.read(
        c -> WebhookRows.deliveries(c, webhook, limit), "reading the log of webhook " + webhook);
  }
}
