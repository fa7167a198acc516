package dev.petrel.queue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link TlsReportStore} on either SQL back end, through the store's writer and reads. */
final class SqlTlsReportStore implements TlsReportStore {

  private final SqlMessageStore store;

  SqlTlsReportStore(SqlMessageStore store) {
    this.store = store;
  }

  @Override
  public void addSessions(List<SessionCount> counts) throws StorageException {
    Objects.requireNonNull(counts, "counts");
    if (counts.isEmpty()) return;
    store.writer().call(c -> TlsReportRows.add(c, counts), false, "counting TLS sessions");
  }

  @Override
  public List<SessionCount> sessions(
      String account, LocalDate from, LocalDate to, String policyDomain) throws StorageException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return store.read(
        c -> TlsReportRows.sessions(c, account, from, to, policyDomain),
        "reading TLS session counts");
  }

  @Override
  public List<LocalDate> daysWithoutReports(LocalDate before) throws StorageException {
    Objects.requireNonNull(before, "before");
    return store.read(
        c -> TlsReportRows.daysWithoutReports(c, before), "finding days without TLS reports");
  }

  @Override
  public boolean claimReport(Report report) throws StorageException {
    Objects.requireNonNull(report, "report");
    return store
        .writer()
        .call(c -> TlsReportRows.claim(c, report), false, "claiming TLS report " + report.id());
  }

  @Override
  public void finishReport(String id, String outcome) throws StorageException {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(outcome, "outcome");
    store
        .writer()
        .call(c -> TlsReportRows.finish(c, id, outcome), false, "recording TLS report " + id);
  }

  @Override
  public Optional<Report> report(String id) throws StorageException {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(
        store.read(c -> TlsReportRows.find(c, id), "reading TLS report " + id));
  }

  @Override
  public List<Report> reports(LocalDate from, LocalDate to, int limit) throws StorageException {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    return store.read(c -> TlsReportRows.list(c, from, to, limit), "listing TLS reports");
  }

  @Override
  public int prune(LocalDate beforeDay, Instant before) throws StorageException {
    Objects.requireNonNull(beforeDay, "beforeDay");
    Objects.requireNonNull(before, "before");
    return store
        .writer()
        .call(c -> TlsReportRows.prune(c, beforeDay, before), false, "pruning TLS reports");
  }
}
