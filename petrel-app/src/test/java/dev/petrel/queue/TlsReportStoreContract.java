package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link TlsReportStore} guarantees on every back end: counts add up per key, reads filter by
 * account, day and domain, a day's report is claimed once whichever instance asks, and pruning
 * deletes only what is older than its cut.
 */
abstract class TlsReportStoreContract {

  static final LocalDate DAY = LocalDate.parse("2026-03-01");

  protected abstract Store openStore(String node) throws StorageException;

  private final List<Store> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    for (Store s : opened) s.close();
  }

  private Store store(String node) throws StorageException {
    Store s = openStore(node);
    opened.add(s);
    return s;
  }

  static TlsReportStore.SessionCount ok(String account, LocalDate day, String domain, long n) {
    return new TlsReportStore.SessionCount(
        account, day, domain, "no-policy-found", List.of(), "", "", "", "", "", n);
  }

  static TlsReportStore.SessionCount failed(
      String account, LocalDate day, String domain, String result, long n) {
    return new TlsReportStore.SessionCount(
        account,
        day,
        domain,
        "no-policy-found",
        List.of(),
        result,
        "192.0.2.1",
        "mx." + domain,
        "198.51.100.7",
        "no STARTTLS",
        n);
  }

  @Test
  void countsAddUpPerKeyAndReadsFilterByAccountDayAndDomain() throws Exception {
    TlsReportStore s = store("node-1").tlsReports();
    s.addSessions(List.of(ok("acme", DAY, "a.test", 2), ok("other", DAY, "a.test", 1)));
    s.addSessions(
        List.of(
            ok("acme", DAY, "a.test", 3),
            failed("acme", DAY, "a.test", "starttls-not-supported", 1),
            ok("acme", DAY.plusDays(1), "b.test", 7)));
    s.addSessions(List.of(failed("acme", DAY, "a.test", "starttls-not-supported", 4)));

    List<TlsReportStore.SessionCount> acme = s.sessions("acme", DAY, DAY, null);
    assertThat(acme)
        .containsExactlyInAnyOrder(
            ok("acme", DAY, "a.test", 5),
            failed("acme", DAY, "a.test", "starttls-not-supported", 5));
    assertThat(s.sessions(null, DAY, DAY, "a.test")).hasSize(3);
    assertThat(s.sessions(null, DAY, DAY.plusDays(1), "b.test"))
        .containsExactly(ok("acme", DAY.plusDays(1), "b.test", 7));
    assertThat(s.sessions("other", DAY.plusDays(1), DAY.plusDays(1), null)).isEmpty();
    assertThat(s.daysWithoutReports(DAY.plusDays(2))).containsExactly(DAY, DAY.plusDays(1));
    assertThat(s.daysWithoutReports(DAY.plusDays(1))).containsExactly(DAY);
  }

  @Test
  void aReportIsClaimedOnceWhicheverNodeAsks() throws Exception {
    TlsReportStore one = store("node-1").tlsReports();
    TlsReportStore two = store("node-2").tlsReports();
    one.addSessions(List.of(ok("acme", DAY, "a.test", 1), ok("acme", DAY, "b.test", 1)));
    Instant at = Instant.parse("2026-03-02T00:05:00Z");
    var first =
        new TlsReportStore.Report("r1", DAY, "a.test", at, "mailto:x@r.test", "sending", "{}");
    var again =
        new TlsReportStore.Report("r2", DAY, "a.test", at, "mailto:x@r.test", "sending", "{}");
    assertThat(one.claimReport(first)).isTrue();
    assertThat(two.claimReport(again)).isFalse();
    assertThat(two.claimReport(first)).isFalse();
    one.finishReport("r1", "queued");
    assertThat(two.report("r1"))
        .get()
        .extracting(TlsReportStore.Report::outcome)
        .isEqualTo("queued");
    assertThat(two.report("r2")).isEmpty();
    assertThat(two.reports(DAY, DAY, 10))
        .extracting(TlsReportStore.Report::id)
        .containsExactly("r1");
    // b.test's report of the day is still missing
    assertThat(two.daysWithoutReports(DAY.plusDays(1))).containsExactly(DAY);
  }

  @Test
  void pruningDeletesOnlyWhatIsOlderThanTheCut() throws Exception {
    TlsReportStore s = store("node-1").tlsReports();
    s.addSessions(List.of(ok("acme", DAY, "a.test", 1), ok("acme", DAY.plusDays(3), "a.test", 1)));
    s.claimReport(
        new TlsReportStore.Report(
            "old", DAY, "a.test", Instant.parse("2026-03-02T00:00:00Z"), "", "no record", "{}"));
    s.claimReport(
        new TlsReportStore.Report(
            "new",
            DAY.plusDays(3),
            "a.test",
            Instant.parse("2026-03-05T00:00:00Z"),
            "",
            "no record",
            "{}"));
    assertThat(s.prune(DAY.plusDays(1), Instant.parse("2026-03-03T00:00:00Z"))).isEqualTo(2);
    assertThat(s.sessions(null, DAY, DAY.plusDays(10), null))
        .containsExactly(ok("acme", DAY.plusDays(3), "a.test", 1));
    assertThat(s.report("old")).isEmpty();
    assertThat(s.report("new")).isPresent();
  }
}
