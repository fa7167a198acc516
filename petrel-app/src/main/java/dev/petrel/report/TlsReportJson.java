package dev.petrel.report;

import dev.petrel.queue.TlsReportStore.SessionCount;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The daily report of one policy domain in the JSON shape of RFC 8460 §4 (field names of §4.4): who
 * reports ({@code organization-name}, {@code contact-info}), the UTC day ({@code date-range}), the
 * {@code report-id}, and per policy applied that day its summary of successful and failed sessions
 * and the details of the failures. Every account's sessions count: the report is the
 * installation's, about the receiving domain. https://www.rfc-editor.org/rfc/rfc8460#section-4
 */
public final class TlsReportJson {

  private TlsReportJson() {}

  /** Who sends the reports. */
  public record Submitter(String organization, String contact, String hostname) {}

  /** The report-id of a day's report of a domain (also its name in the store). */
  public static String reportId(LocalDate day, String policyDomain, String hostname) {
    return day + "_" + policyDomain.toLowerCase(Locale.ROOT) + "@" + hostname;
  }

  /**
   * The report's fields, in the RFC's order.
   *
   * @param sessions the day's counts of this domain (any accounts)
   */
  public static Map<String, Object> report(
      Submitter by, LocalDate day, String policyDomain, List<SessionCount> sessions) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("organization-name", by.organization());
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start-datetime", day + "T00:00:00Z");
    range.put("end-datetime", day + "T23:59:59Z");
    r.put("date-range", range);
    r.put("contact-info", by.contact());
    r.put("report-id", reportId(day, policyDomain, by.hostname()));
    r.put("policies", policies(policyDomain, sessions));
    return r;
  }

  /** The report as JSON text. */
  public static String text(Map<String, Object> report) {
    return StatusJson.MAPPER.writeValueAsString(report);
  }

  private record Policy(String type, List<String> strings) {}

  private record Failure(
      String result, String sendingIp, String receivingMx, String receivingIp, String reason) {}

  private static List<Map<String, Object>> policies(String domain, List<SessionCount> sessions) {
    Map<Policy, List<SessionCount>> byPolicy = new LinkedHashMap<>();
    for (SessionCount s : sessions)
      byPolicy
          .computeIfAbsent(new Policy(s.policyType(), s.policyStrings()), k -> new ArrayList<>())
          .add(s);
    List<Map<String, Object>> out = new ArrayList<>();
    byPolicy.forEach(
        (policy, counts) -> {
          Map<String, Object> p = new LinkedHashMap<>();
          Map<String, Object> desc = new LinkedHashMap<>();
          desc.put("policy-type", policy.type());
          if (!policy.strings().isEmpty()) desc.put("policy-string", policy.strings());
          desc.put("policy-domain", domain.toLowerCase(Locale.ROOT));
          List<String> mx = mxHosts(policy);
          if (!mx.isEmpty()) desc.put("mx-host", mx);
          p.put("policy", desc);
          long ok = 0;
          long failed = 0;
          Map<Failure, Long> failures = new LinkedHashMap<>();
          for (SessionCount s : counts) {
            if (s.successful()) ok += s.count();
            else {
              failed += s.count();
              failures.merge(
                  new Failure(
                      s.result(), s.sendingIp(), s.receivingMx(), s.receivingIp(), s.reason()),
                  s.count(),
                  Long::sum);
            }
          }
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("total-successful-session-count", ok);
          summary.put("total-failure-session-count", failed);
          p.put("summary", summary);
          if (!failures.isEmpty()) {
            List<Map<String, Object>> details = new ArrayList<>();
            failures.forEach(
                (f, n) -> {
                  Map<String, Object> d = new LinkedHashMap<>();
                  d.put("result-type", f.result());
                  if (!f.sendingIp().isEmpty()) d.put("sending-mta-ip", f.sendingIp());
                  if (!f.receivingMx().isEmpty()) d.put("receiving-mx-hostname", f.receivingMx());
                  if (!f.receivingIp().isEmpty()) d.put("receiving-ip", f.receivingIp());
                  d.put("failed-session-count", n);
                  if (!f.reason().isEmpty()) d.put("failure-reason-code", f.reason());
                  details.add(d);
                });
            p.put("failure-details", details);
          }
          out.add(p);
        });
    return out;
  }

  /** For an MTA-STS policy, its {@code mx:} patterns (RFC 8461 §3.2), which "mx-host" lists. */
  private static List<String> mxHosts(Policy policy) {
    if (!policy.type().equals("sts")) return List.of();
    List<String> out = new ArrayList<>();
    for (String line : policy.strings()) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("mx"))
        out.add(line.substring(colon + 1).strip());
    }
    return out;
  }

  /** The first and last second of the day, as seconds since the epoch (file names, §5.1). */
  static long[] epochRange(LocalDate day) {
    long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    return new long[] {start, start + 86_399};
  }
}
