package dev.petrel.queue;

import java.time.Instant;
import java.util.Locale;

/**
 * A search over one account's messages, newest first ({@code GET /api/v1/messages}, the dashboard's
 * list). Every filter is optional; a message matches when one of its recipients matches all
 * recipient filters together.
 *
 * @param account whose messages (required: nobody searches across accounts)
 * @param state a recipient state, e.g. {@code bounced}
 * @param reason the classification reason of any attempt of that recipient, e.g. {@code
 *     userunknown}
 * @param recipient a recipient address (case-insensitive, exact)
 * @param domain a recipient domain (case-insensitive, exact)
 * @param since created at or after
 * @param until created before
 * @param before paging cursor: only messages older than this one (created, then id)
 * @param limit at most this many, 1 to 500
 */
public record MessageQuery(
    String account,
    String state,
    String reason,
    String recipient,
    String domain,
    Instant since,
    Instant until,
    Cursor before,
    int limit) {

  /** Where a page ended: the last message's creation time and id. */
  public record Cursor(Instant created, String id) {}

  public static final int MAX_LIMIT = 500;

  public MessageQuery {
    if (account == null || account.isBlank()) throw new IllegalArgumentException("no account");
    if (limit < 1 || limit > MAX_LIMIT)
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    if (recipient != null) recipient = recipient.trim().toLowerCase(Locale.ROOT);
    if (domain != null) domain = domain.trim().toLowerCase(Locale.ROOT);
  }

  boolean filtersRecipients() {
    return state != null || reason != null || recipient != null || domain != null;
  }
}
