package dev.petrel.api;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.Store;
import dev.petrel.queue.TlsReportStore;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/tls-reports?from=DAY&to=DAY}: the TLS sessions (RFC 8460) of the caller's own
 * mail, per UTC day, policy domain and policy type: how many were set up and how many failed, by
 * result type, and whether the day's report of that domain has been made. The reports themselves
 * count every account's mail and are the operator's ({@code petrel tls-reports}).
 */
final class ListTlsReports implements Handler {

  /** The longest range one answer covers. */
  static final int MAX_DAYS = 366;

  /** The range when none is given: the last 30 days, today included. */
  static final int DEFAULT_DAYS = 30;

  private final Api api;

  ListTlsReports(Api api) {
    this.api = api;
  }

  @Override
  public void handle(Context ctx) throws StorageException {
    Caller caller = Caller.of(ctx);
    if (!(api.store() instanceof Store store))
      throw new Problem(503, "not-configured", "Not available", "TLS reports are not kept here");
    LocalDate to = day(ctx, "to");
    if (to == null) to = LocalDate.now(api.clock().withZone(ZoneOffset.UTC));
    LocalDate from = day(ctx, "from");
    if (from == null) from = to.minusDays(DEFAULT_DAYS - 1);
    if (from.isAfter(to)) throw Problem.badRequest("from (" + from + ") is after to (" + to + ")");
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS)
      throw Problem.badRequest(
          "from " + from + " to " + to + " is more than " + MAX_DAYS + " days; shorten the range");
    TlsReportStore reports = store.tlsReports();
    Set<String> reported = new HashSet<>();
    for (TlsReportStore.Report r : reports.reports(from, to, 100_000))
      reported.add(r.day() + " " + r.policyDomain());
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    Map<String, Map<String, Long>> results = new LinkedHashMap<>();
    for (TlsReportStore.SessionCount s : reports.sessions(caller.account(), from, to, null)) {
      String key = s.day() + " " + s.policyDomain() + " " + s.policyType();
      Map<String, Object> row =
          rows.computeIfAbsent(
              key,
              k -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("day", s.day().toString());
                o.put("policy_domain", s.policyDomain());
                o.put("policy_type", s.policyType());
                o.put("successful_sessions", 0L);
                o.put("failed_sessions", 0L);
                return o;
              });
      String field = s.successful() ? "successful_sessions" : "failed_sessions";
      row.put(field, (Long) row.get(field) + s.count());
      if (!s.successful())
        results
            .computeIfAbsent(key, k -> new LinkedHashMap<>())
            .merge(s.result(), s.count(), Long::sum);
    }
    List<Map<String, Object>> days = new ArrayList<>();
    rows.forEach(
        (key, row) -> {
          List<Map<String, Object>> failures = new ArrayList<>();
          results
              .getOrDefault(key, Map.of())
              .forEach(
                  (result, n) -> {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("result_type", result);
                    f.put("count", n);
                    failures.add(f);
                  });
          failures.sort((a, b) -> Long.compare((Long) b.get("count"), (Long) a.get("count")));
          row.put("failures", failures);
          row.put("reported", reported.contains(row.get("day") + " " + row.get("policy_domain")));
          days.add(row);
        });
    days.sort(
        (a, b) -> {
          int c = ((String) b.get("day")).compareTo((String) a.get("day"));
          return c != 0
              ? c
              : ((String) a.get("policy_domain")).compareTo((String) b.get("policy_domain"));
        });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from.toString());
    body.put("to", to.toString());
    body.put("days", days);
    ApiServer.json(ctx, 200, body);
  }

  private static LocalDate day(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return null;
    try {
      return LocalDate.parse(v.strip());
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(name + " must be a day (YYYY-MM-DD, UTC), not '" + v + "'");
    }
  }
}
