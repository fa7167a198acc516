package dev.petrel.api;

import dev.petrel.queue.Statistics;
import dev.petrel.queue.StorageException;
import dev.petrel.report.MessageJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/stats?from=&to=&bucket=hour|day}: the caller's account only. Per bucket, the
 * recipients that reached each final state and the deferred attempts; over the range, the top
 * reasons, codes and destination domains and the bounce rate. Defaults: the last 7 days by day.
 */
final class GetStats implements Handler {

  static final Duration DEFAULT_RANGE = Duration.ofDays(7);

  /** Most buckets one answer holds: a month by hour, a year (and a day) by day. */
  static final int MAX_BUCKETS = 744;

  private final Api api;

  GetStats(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    String b = ctx.queryParam("bucket");
    Duration bucket;
    if (b == null || b.isBlank() || b.trim().equals("day")) bucket = Duration.ofDays(1);
    else if (b.trim().equals("hour")) bucket = Duration.ofHours(1);
    else throw Problem.badRequest("bucket must be 'hour' or 'day', not '" + b + "'");
    Instant to = time(ctx, "to");
    if (to == null) to = api.clock().instant();
    Instant from = time(ctx, "from");
    if (from == null) from = to.minus(DEFAULT_RANGE);
    if (!from.isBefore(to))
      throw Problem.badRequest("from (" + from + ") must be before to (" + to + ")");
    long buckets =
        Math.ceilDiv(
            to.toEpochMilli()
                - Math.floorDiv(from.toEpochMilli(), bucket.toMillis()) * bucket.toMillis(),
            bucket.toMillis());
    if (buckets > MAX_BUCKETS)
      throw Problem.badRequest(
          "from "
              + from
              + " to "
              + to
              + " makes "
              + buckets
              + " buckets of one "
              + (bucket.toHours() == 1 ? "hour" : "day")
              + "; at most "
              + MAX_BUCKETS
              + " fit in one answer: shorten the range or use bucket=day");

    Statistics s = api.store().statistics(caller.account(), from, to, bucket);
    long[] totals = new long[5];
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Statistics.Bucket x : s.buckets()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("start", MessageJson.instant(x.start()));
      counts(o, x.delivered(), x.deferred(), x.bounced(), x.expired(), x.suppressed());
      rows.add(o);
      totals[0] += x.delivered();
      totals[1] += x.deferred();
      totals[2] += x.bounced();
      totals[3] += x.expired();
      totals[4] += x.suppressed();
    }
    Map<String, Object> total = new LinkedHashMap<>();
    counts(total, totals[0], totals[1], totals[2], totals[3], totals[4]);
    long ended = totals[0] + totals[2];

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", MessageJson.instant(from));
    body.put("to", MessageJson.instant(to));
    body.put("bucket", bucket.toHours() == 1 ? "hour" : "day");
    body.put("buckets", rows);
    body.put("totals", total);
    body.put("bounce_rate", ended == 0 ? null : (double) totals[2] / ended);
    List<Map<String, Object>> reasons = new ArrayList<>();
    for (Statistics.Count c : s.reasons()) reasons.add(entry("reason", c.value(), c.count()));
    body.put("top_reasons", reasons);
    List<Map<String, Object>> bounceReasons = new ArrayList<>();
    for (Statistics.Count c : s.bounceReasons())
      bounceReasons.add(entry("reason", c.value(), c.count()));
    body.put("top_bounce_reasons", bounceReasons);
    List<Map<String, Object>> codes = new ArrayList<>();
    for (Statistics.CodeCount c : s.codes()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("code", c.code());
      o.put("enhanced", c.enhanced());
      o.put("count", c.count());
      codes.add(o);
    }
    body.put("top_codes", codes);
    List<Map<String, Object>> domains = new ArrayList<>();
    for (Statistics.DomainCount d : s.domains()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("domain", d.domain());
      o.put("recipients", d.recipients());
      o.put("bounced", d.bounced());
      domains.add(o);
    }
    body.put("top_domains", domains);
    ApiServer.json(ctx, 200, body);
  }

  private static void counts(
      Map<String, Object> o,
      long delivered,
      long deferred,
      long bounced,
      long expired,
      long suppressed) {
    o.put("delivered", delivered);
    o.put("deferred", deferred);
    o.put("bounced", bounced);
    o.put("expired", expired);
    o.put("suppressed", suppressed);
  }

  private static Map<String, Object> entry(String name, String value, long count) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put(name, value);
    o.put("count", count);
    return o;
  }

  /** An ISO-8601 instant, or a date meaning its first moment in UTC; null when absent. */
  private static Instant time(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return null;
    String t = v.trim();
    try {
      if (t.length() == 10) return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          name
              + " must be an ISO-8601 instant such as 2026-11-28T12:00:00Z or a date such as"
              + " 2026-11-28, not '"
              + v
              + "'");
    }
  }
}
