/**
 * Webhooks: where an account wants its events sent ({@link dev.petrel.webhooks.Webhook}), the log
 * of each try ({@link dev.petrel.webhooks.WebhookDelivery}), and {@link
 * dev.petrel.webhooks.WebhookStore}, the role of the store that keeps them and their outbox.
 *
 * <p>An event and its outbox rows are written in the transaction that records the event, so the SQL
 * behind the store lives with the queue's ({@code dev.petrel.queue}, handed out by {@code
 * Store.webhooks()}); sending, signing and retrying is reporting's work ({@code
 * dev.petrel.report.WebhookDispatcher}).
 */
package dev.petrel.webhooks;
