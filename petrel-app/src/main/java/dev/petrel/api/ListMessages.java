package dev.petrel.api;

import dev.petrel.model.RecipientState;
import dev.petrel.queue.MessageQuery;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredMessage;
import dev.petrel.report.MessageJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/messages}: the caller's messages, newest first, filtered by {@code status},
 * {@code reason}, {@code recipient}, {@code domain}, {@code since} and {@code until} (ISO-8601),
 * {@code subject} (part of it, any case), {@code message_id} (the Message-ID, with or without angle
 * brackets), {@code tag} and {@code metadata.KEY=VALUE}, paged with {@code limit} (default 50, at
 * most 500) and the {@code next} cursor of the previous page. Paging happens in the store, so pages
 * cost the same however many messages there are. The filters added with tags and metadata refuse an
 * empty or repeated value (400) rather than ignore it.
 */
final class ListMessages implements Handler {

  static final int DEFAULT_LIMIT = 50;

  private final Api api;

  ListMessages(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String status = ctx.queryParam("status");
    if (status != null) {
      try {
        RecipientState.of(status);
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest(
            "status must be one of queued, deferred, delivered, bounced, expired, suppressed,"
                + " cancelled; not '"
                + status
                + "'");
      }
    }
    int limit = DEFAULT_LIMIT;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MessageQuery.MAX_LIMIT)
        throw Problem.badRequest(
            "limit must be a whole number from 1 to "
                + MessageQuery.MAX_LIMIT
                + ", not '"
                + l
                + "'");
    }
    MessageQuery q =
        new MessageQuery(
            caller.account(),
            status,
            blankToNull(ctx.queryParam("reason")),
            blankToNull(ctx.queryParam("recipient")),
            blankToNull(ctx.queryParam("domain")),
            instant(ctx, "since"),
            instant(ctx, "until"),
            cursor(ctx.queryParam("next")),
            limit,
            subject(ctx),
            given(ctx, "message_id"),
            tag(ctx),
            metadata(ctx));
    List<StoredMessage> page = api.store().search(q);
    List<Map<String, Object>> data = new ArrayList<>(page.size());
    for (StoredMessage m : page) data.add(MessageJson.summary(m));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", data);
    StoredMessage last = page.isEmpty() ? null : page.getLast();
    body.put(
        "next",
        page.size() == limit && last != null
            ? last.created().toEpochMilli() + "." + last.id().value()
            : null);
    ApiServer.json(ctx, 200, body);
  }

  static final String METADATA_PREFIX = "metadata.";

  /** A filter's value: null when absent; 400 when empty or given more than once. */
  private static String given(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.isEmpty()) return null;
    if (values.size() > 1) throw Problem.badRequest(name + " may be given once");
    String v = values.getFirst();
    if (v.isBlank()) throw Problem.badRequest(name + " must not be empty");
    if (v.length() > 998) throw Problem.badRequest(name + " must be at most 998 characters");
    return v;
  }

  private static String subject(Context ctx) {
    String v = given(ctx, "subject");
    return v == null ? null : v.strip();
  }

  private static String tag(Context ctx) {
    String v = given(ctx, "tag");
    if (v != null && !MessageQuery.TAG.matcher(v).matches())
      throw Problem.badRequest(
          "tag must be 1 to 64 letters, digits, '.', ':', '-' or '_', as tags are; not '"
              + v
              + "'");
    return v;
  }

  /** The {@code metadata.KEY=VALUE} filters, by key. */
  private static Map<String, String> metadata(Context ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(METADATA_PREFIX)) continue;
      String key = name.substring(METADATA_PREFIX.length());
      if (!MessageQuery.METADATA_KEY.matcher(key).matches())
        throw Problem.badRequest(
            "'"
                + name
                + "': a metadata key is 1 to 40 letters, digits, '_', '.' or '-' after"
                + " 'metadata.'");
      out.put(key, given(ctx, name));
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static Instant instant(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return null;
    try {
      return Instant.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          name + " must be an ISO-8601 instant such as 2026-11-28T12:00:00Z, not '" + v + "'");
    }
  }

  private static MessageQuery.Cursor cursor(String next) {
    if (next == null || next.isBlank()) return null;
    int dot = next.indexOf('.');
    try {
      if (dot <= 0 || dot == next.length() - 1) throw new NumberFormatException();
      return new MessageQuery.Cursor(
          Instant.ofEpochMilli(Long.parseLong(next.substring(0, dot))), next.substring(dot + 1));
    } catch (NumberFormatException e) {
      throw Problem.badRequest(
          "next must be the 'next' value of a previous page, not '" + next + "'");
    }
  }
}
