package dev.petrel.queue;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A search over one account's messages, newest first ({@code GET /api/v1/messages}, the dashboard's
 * list). Every filter is optional; a message matches when one of its recipients matches all
 * recipient filters together, and the message matches every message filter.
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
 * @param subject part of the decoded Subject (case-insensitive, in every script)
 * @param messageId the Message-ID header, with or without its angle brackets (exact)
 * @param tag a tag the message carries (exact)
 * @param metadata metadata keys and the text their values must have ({@code 42}, {@code true} or a
 *     string's characters); every pair must match
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
    int limit,
    String subject,
    String messageId,
    String tag,
    Map<String, String> metadata) {

  /** Where a page ended: the last message's creation time and id. */
  public record Cursor(Instant created, String id) {}

  public static final int MAX_LIMIT = 500;

  /**
   * What a metadata key may be: 1 to 40 ASCII letters, digits, {@code _}, {@code .} or {@code -}
   * (Stripe's key length, https://docs.stripe.com/api/metadata), so that it reads the same in JSON,
   * in a query parameter name and in a JSON path.
   */
  /**
   * What a tag may be: 1 to 64 ASCII letters, digits, {@code _}, {@code .}, {@code :} or {@code -}.
   */
  public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  public static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

  public MessageQuery {
    if (account == null || account.isBlank()) throw new IllegalArgumentException("no account");
    if (limit < 1 || limit > MAX_LIMIT)
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    if (recipient != null) recipient = recipient.trim().toLowerCase(Locale.ROOT);
    if (domain != null) domain = domain.trim().toLowerCase(Locale.ROOT);
    if (subject != null) subject = MessageRows.fold(subject);
    if (messageId != null) {
      messageId = messageId.trim();
      if (messageId.startsWith("<") && messageId.endsWith(">") && messageId.length() > 2)
        messageId = messageId.substring(1, messageId.length() - 1);
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    for (String key : metadata.keySet())
      if (!METADATA_KEY.matcher(key).matches())
        throw new IllegalArgumentException("not a metadata key: " + key);
  }

  /** A search with the recipient and time filters only. */
  public MessageQuery(
      String account,
      String state,
      String reason,
      String recipient,
      String domain,
      Instant since,
      Instant until,
      Cursor before,
      int limit) {
    this(
        account, state, reason, recipient, domain, since, until, before, limit, null, null, null,
        Map.of());
  }

  boolean filtersRecipients() {
    return state != null || reason != null || recipient != null || domain != null;
  }
}
