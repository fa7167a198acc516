package dev.petrel.queue;

import java.time.Instant;

/**
 * One row of the events table: something that happened to an account's mail or account.
 *
 * @param id increasing number, the order events happened in
 * @param type e.g. {@code message.delivered}, {@code suppression.added}, {@code quota.warning}
 * @param messageId the queue id of the message, or null for events about no message
 * @param position the recipient's position in the message, or null
 * @param data extra details as a JSON object text, or null
 */
public record StoredEvent(
    long id,
    Instant at,
    String account,
    String type,
    String messageId,
    Integer position,
    String data) {}
