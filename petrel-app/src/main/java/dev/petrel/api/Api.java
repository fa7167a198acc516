package dev.petrel.api;

import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.Quotas;
import dev.petrel.queue.MessageStore;
import dev.petrel.status.StatusEngine;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What the API's handlers work with, built once by the application.
 *
 * @param store the queue
 * @param accounts accounts, keys and usage
 * @param quotas monthly quotas
 * @param engine the status engine, for explanations
 * @param hostname this server's name (Message-ID and Received header of API mail)
 * @param clock the time
 * @param queued called after each message the API queued (wakes delivery)
 * @param domains sender domains, their DKIM keys and DNS checks
 * @param credentials SMTP logins (the file in the data folder), or null when not available
 * @param webhooks webhooks and their delivery logs (null: the endpoints answer 503)
 * @param maxMessageSize the largest message in octets (max-message-size, the listener's SIZE)
 * @param webhookTargets where a webhook may point (checked at registration); null: public addresses
 *     only
 * @param waits why queued recipients wait for their destination (delivery's limits); null: none
 */
public record Api(
    MessageStore store,
    AccountStore accounts,
    Quotas quotas,
    StatusEngine engine,
    String hostname,
    InstantSource clock,
    Runnable queued,
    dev.petrel.report.SenderDomains domains,
    dev.petrel.accept.CredentialStore credentials,
    dev.petrel.webhooks.WebhookStore webhooks,
    long maxMessageSize,
    dev.petrel.report.WebhookTargets webhookTargets,
    dev.petrel.model.DeliveryWaits waits) {

  public Api {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(quotas, "quotas");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(clock, "clock");
    if (queued == null) queued = () -> {};
    if (maxMessageSize < 1) throw new IllegalArgumentException("maxMessageSize must be positive");
    if (webhookTargets == null) webhookTargets = dev.petrel.report.WebhookTargets.strict();
    if (waits == null) waits = dev.petrel.model.DeliveryWaits.NONE;
  }
}
