package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.DnsAnswer;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import dev.petrel.queue.TlsReportStore;
import dev.petrel.queue.TlsReportStore.SessionCount;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily job on the real store, with a clock the test moves: a finished day's reports are queued
 * as mail once, a new reporter on the same store (a restart) sends nothing again, a day still
 * running or a domain whose record cannot be looked up waits, a domain without a record is
 * remembered, and counts and reports older than the retention period go.
 */
class TlsReporterTest {

  static final LocalDate DAY = LocalDate.parse("2026-03-01");
  static final Instant NEXT_MORNING = Instant.parse("2026-03-02T00:30:00Z");

  @TempDir Path dir;

  final Map<String, DnsAnswer<String>> dns = new ConcurrentHashMap<>();
  final List<String> asked = new ArrayList<>();

  DnsAnswer<String> txt(String name) {
    asked.add(name);
    return dns.getOrDefault(name, DnsAnswer.nxDomain(Duration.ofMinutes(5)));
  }

  TlsReporter reporter(SqliteMessageStore store, AtomicReference<Instant> now, Duration retention) {
    Function<String, DnsAnswer<String>> lookup = this::txt;
    return new TlsReporter(
        store,
        store.tlsReports(),
        new TlsReportJson.Submitter("Org", "postmaster@mta.test", "mta.test"),
        lookup,
        new WebhookTargets(OutboundPolicy.STRICT, WebhookTargets.SYSTEM),
        null,
        now::get,
        retention,
        null);
  }

  static SessionCount ok(LocalDate day, String domain, long n) {
    return new SessionCount(
        "acme", day, domain, "no-policy-found", List.of(), "", "", "", "", "", n);
  }

  @Test
  void aFinishedDayIsReportedOnceWhateverRestarts() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(NEXT_MORNING);
    dns.put(
        "_smtp._tls.a.test",
        DnsAnswer.found(List.of("v=TLSRPTv1; rua=mailto:tls@reports.test"), Duration.ofHours(1)));
    dns.put("_smtp._tls.c.test", DnsAnswer.failed("timed out"));
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, SqliteStoreOptions.defaults().withReserveBytes(0), now::get)) {
      TlsReportStore reports = store.tlsReports();
      reports.addSessions(
          List.of(
              ok(DAY, "a.test", 3),
              ok(DAY, "b.test", 1),
              ok(DAY, "c.test", 2),
              ok(DAY.plusDays(1), "a.test", 5)));

      reporter(store, now, null).runOnce();
      List<StoredMessage> queued = store.list(10);
      assertThat(queued).hasSize(1);
      StoredMessage mail = queued.getFirst();
      assertThat(mail.sender()).isNull();
      assertThat(mail.recipients().getFirst().address()).hasToString("tls@reports.test");
      String text;
      try (InputStream in = store.openBody(mail.id())) {
        text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
      assertThat(text)
          .contains("Report-ID: <2026-03-01_a.test@mta.test>")
          .contains("TLS-Report-Domain: a.test");
      assertThat(reports.report("2026-03-01_a.test@mta.test").get().outcome())
          .startsWith("mailto:tls@reports.test: queued as " + mail.id());
      assertThat(reports.report("2026-03-01_b.test@mta.test").get().outcome())
          .isEqualTo("no TLSRPT record");
      // a DNS failure leaves c.test for the next run; the day still running is not reported
      assertThat(reports.report("2026-03-01_c.test@mta.test")).isEmpty();
      assertThat(reports.report("2026-03-02_a.test@mta.test")).isEmpty();

      asked.clear();
      reporter(store, now, null).runOnce();
      assertThat(store.list(10)).hasSize(1);
      assertThat(asked).containsExactly("_smtp._tls.c.test");

      dns.put("_smtp._tls.c.test", DnsAnswer.noData(Duration.ofMinutes(5)));
      now.set(NEXT_MORNING.plus(Duration.ofDays(1)));
      reporter(store, now, null).runOnce();
      assertThat(reports.report("2026-03-01_c.test@mta.test")).isPresent();
      assertThat(store.list(10)).hasSize(2);
      assertThat(reports.daysWithoutReports(DAY.plusDays(5))).isEmpty();
    }
  }

  @Test
  void countsAndReportsOlderThanTheRetentionPeriodGo() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(NEXT_MORNING);
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, SqliteStoreOptions.defaults().withReserveBytes(0), now::get)) {
      TlsReportStore reports = store.tlsReports();
      reports.addSessions(List.of(ok(DAY, "b.test", 1)));
      TlsReporter job = reporter(store, now, Duration.ofDays(30));
      job.runOnce();
      assertThat(reports.report("2026-03-01_b.test@mta.test")).isPresent();
      now.set(NEXT_MORNING.plus(Duration.ofDays(29)));
      job.runOnce();
      assertThat(reports.sessions(null, DAY, DAY, null)).hasSize(1);
      assertThat(reports.report("2026-03-01_b.test@mta.test")).isPresent();
      now.set(NEXT_MORNING.plus(Duration.ofDays(31)));
      job.runOnce();
      assertThat(reports.sessions(null, DAY, DAY, null)).isEmpty();
      assertThat(reports.report("2026-03-01_b.test@mta.test")).isEmpty();
    }
  }
}
