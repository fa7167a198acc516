package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.TlsReportStore.SessionCount;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The daily report has the shape of RFC 8460 §4.4: only the RFC's field names, the required ones
 * present, counts added up over accounts and split per policy, and failure details grouped.
 */
class TlsReportJsonTest {

  static final LocalDate DAY = LocalDate.parse("2026-12-06");
  static final TlsReportJson.Submitter BY =
      new TlsReportJson.Submitter("Example Mail", "mailto:tls@mta.example", "mta.example");

  /** Field names per object of RFC 8460 §4.4 (and the required ones). */
  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "report",
          Set.of("organization-name", "date-range", "contact-info", "report-id", "policies"),
          "date-range",
          Set.of("start-datetime", "end-datetime"),
          "policies",
          Set.of("policy", "summary", "failure-details"),
          "policy",
          Set.of("policy-type", "policy-string", "policy-domain", "mx-host"),
          "summary",
          Set.of("total-successful-session-count", "total-failure-session-count"),
          "failure-details",
          Set.of(
              "result-type",
              "sending-mta-ip",
              "receiving-mx-hostname",
              "receiving-mx-helo",
              "receiving-ip",
              "failed-session-count",
              "additional-information",
              "failure-reason-code"));

  static SessionCount ok(String account, String type, List<String> strings, long n) {
    return new SessionCount(account, DAY, "example.org", type, strings, "", "", "", "", "", n);
  }

  static SessionCount failed(String account, String result, String mx, long n) {
    return new SessionCount(
        account,
        DAY,
        "example.org",
        "no-policy-found",
        List.of(),
        result,
        "192.0.2.10",
        mx,
        "198.51.100.25",
        "STARTTLS not offered",
        n);
  }

  JsonNode report(List<SessionCount> sessions) {
    String text = TlsReportJson.text(TlsReportJson.report(BY, DAY, "example.org", sessions));
    return StatusJson.MAPPER.readTree(text);
  }

  static List<String> unknownFields(JsonNode n, String kind) {
    List<String> wrong = new ArrayList<>();
    for (String name : n.propertyNames())
      if (!ALLOWED.get(kind).contains(name)) wrong.add(kind + "." + name);
    return wrong;
  }

  @Test
  void onlyTheRfcsFieldsWithTheRequiredOnesPresent() {
    List<String> sts =
        List.of("version: STSv1", "mode: enforce", "mx: *.example.org", "max_age: 86400");
    JsonNode r =
        report(
            List.of(
                ok("acme", "no-policy-found", List.of(), 3),
                ok("other", "no-policy-found", List.of(), 2),
                failed("acme", "starttls-not-supported", "mx1.example.org", 1),
                failed("other", "starttls-not-supported", "mx1.example.org", 2),
                failed("acme", "validation-failure", "mx2.example.org", 1),
                ok("acme", "sts", sts, 4)));
    List<String> wrong = new ArrayList<>(unknownFields(r, "report"));
    assertThat(r.get("organization-name").asString()).isEqualTo("Example Mail");
    assertThat(r.get("contact-info").asString()).isEqualTo("mailto:tls@mta.example");
    assertThat(r.get("report-id").asString()).isEqualTo("2026-12-06_example.org@mta.example");
    wrong.addAll(unknownFields(r.get("date-range"), "date-range"));
    assertThat(r.at("/date-range/start-datetime").asString()).isEqualTo("2026-12-06T00:00:00Z");
    assertThat(r.at("/date-range/end-datetime").asString()).isEqualTo("2026-12-06T23:59:59Z");
    assertThat(r.get("policies").size()).isEqualTo(2);
    for (JsonNode p : r.get("policies")) {
      wrong.addAll(unknownFields(p, "policies"));
      wrong.addAll(unknownFields(p.get("policy"), "policy"));
      wrong.addAll(unknownFields(p.get("summary"), "summary"));
      assertThat(p.at("/policy/policy-domain").asString()).isEqualTo("example.org");
      if (p.has("failure-details"))
        for (JsonNode d : p.get("failure-details"))
          wrong.addAll(unknownFields(d, "failure-details"));
    }
    assertThat(wrong).isEmpty();

    JsonNode none = r.at("/policies/0");
    assertThat(none.at("/policy/policy-type").asString()).isEqualTo("no-policy-found");
    assertThat(none.at("/policy").has("policy-string")).isFalse();
    assertThat(none.at("/summary/total-successful-session-count").asLong()).isEqualTo(5);
    assertThat(none.at("/summary/total-failure-session-count").asLong()).isEqualTo(4);
    JsonNode details = none.get("failure-details");
    assertThat(details.size()).isEqualTo(2);
    assertThat(details.at("/0/result-type").asString()).isEqualTo("starttls-not-supported");
    assertThat(details.at("/0/failed-session-count").asLong()).isEqualTo(3);
    assertThat(details.at("/0/sending-mta-ip").asString()).isEqualTo("192.0.2.10");
    assertThat(details.at("/0/receiving-mx-hostname").asString()).isEqualTo("mx1.example.org");
    assertThat(details.at("/0/receiving-ip").asString()).isEqualTo("198.51.100.25");
    assertThat(details.at("/0/failure-reason-code").asString()).isEqualTo("STARTTLS not offered");
    assertThat(details.at("/1/result-type").asString()).isEqualTo("validation-failure");

    JsonNode mtaSts = r.at("/policies/1");
    assertThat(mtaSts.at("/policy/policy-type").asString()).isEqualTo("sts");
    assertThat(mtaSts.at("/policy/policy-string/2").asString()).isEqualTo("mx: *.example.org");
    assertThat(mtaSts.at("/policy/mx-host/0").asString()).isEqualTo("*.example.org");
    assertThat(mtaSts.at("/summary/total-successful-session-count").asLong()).isEqualTo(4);
    assertThat(mtaSts.at("/summary/total-failure-session-count").asLong()).isZero();
    assertThat(mtaSts.has("failure-details")).isFalse();
  }

  @Test
  void theCheckOfFieldNamesCanFail() {
    JsonNode r = report(List.of(ok("acme", "no-policy-found", List.of(), 1)));
    assertThat(unknownFields(r.at("/policies/0/summary"), "policy")).isNotEmpty();
  }

  @Test
  void theFileNameIsSubmitterDomainAndTheDaysSeconds() {
    // 2026-12-06T00:00:00Z is 1796515200 seconds after the epoch
    assertThat(TlsReportMail.fileName("mta.example", "example.org", DAY))
        .isEqualTo("mta.example!example.org!1796515200!1796601599.json.gz");
  }

  @Test
  void theRecordNeedsExactlyOneTlsrptV1WithAUsableRua() {
    TlsRptRecord r =
        TlsRptRecord.of(
            List.of(
                "v=spf1 -all",
                "v=TLSRPTv1; rua=mailto:tls@example.org,https://r.example.org/v1/tlsrpt"));
    assertThat(r).isNotNull();
    assertThat(r.rua())
        .extracting(Object::toString)
        .containsExactly("mailto:tls@example.org", "https://r.example.org/v1/tlsrpt");
    assertThat(TlsRptRecord.mailbox(r.rua().getFirst())).isEqualTo("tls@example.org");
    assertThat(
            TlsRptRecord.of(
                List.of("v=TLSRPTv1; rua=mailto:a@x.test", "v=TLSRPTv1; rua=mailto:b@x.test")))
        .isNull();
    assertThat(TlsRptRecord.of(List.of("v=TLSRPTv1;"))).isNull();
    assertThat(TlsRptRecord.of(List.of("v=TLSRPTv1; rua=ftp://x.test/"))).isNull();
    assertThat(TlsRptRecord.of(List.of("v=TLSRPTv1; ext=1; rua=mailto:a@x.test")).rua()).hasSize(1);
  }
}
