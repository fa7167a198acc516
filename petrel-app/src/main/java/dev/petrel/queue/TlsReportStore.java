package dev.petrel.queue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SMTP TLS Reporting (RFC 8460) in the store: how many TLS sessions delivery set up or failed to
 * set up, per account, UTC day, policy domain, policy and result; and the daily reports made from
 * them, each claimed once (whichever node or run claims a day and domain first sends its report).
 */
public interface TlsReportStore {

  /**
   * A number of sessions that share everything a report tells apart. Text fields are empty rather
   * than null where there is nothing (a successful session has no result type or receiving server).
   *
   * @param account the account whose mail the sessions carried ('' when unknown)
   * @param day the UTC day
   * @param policyDomain the recipient domain whose policy applied
   * @param policyType {@code sts}, {@code tlsa} or {@code no-policy-found} (RFC 8460 §4.3)
   * @param policyStrings the policy's lines; empty when none was found
   * @param result empty when successful, else the result type ({@code starttls-not-supported}...)
   * @param sendingIp this server's address towards the receiver ("sending-mta-ip"), or ''
   * @param receivingMx the receiving server's host name, or '' (successful sessions)
   * @param receivingIp the receiving server's address, or ''
   * @param reason a short explanation ("failure-reason-code"), or ''
   * @param count how many
   */
  record SessionCount(
      String account,
      LocalDate day,
      String policyDomain,
      String policyType,
      List<String> policyStrings,
      String result,
      String sendingIp,
      String receivingMx,
      String receivingIp,
      String reason,
      long count) {

    public SessionCount {
      Objects.requireNonNull(day, "day");
      Objects.requireNonNull(policyDomain, "policyDomain");
      Objects.requireNonNull(policyType, "policyType");
      account = account == null ? "" : account;
      policyStrings = policyStrings == null ? List.of() : List.copyOf(policyStrings);
      result = result == null ? "" : result;
      sendingIp = sendingIp == null ? "" : sendingIp;
      receivingMx = receivingMx == null ? "" : receivingMx;
      receivingIp = receivingIp == null ? "" : receivingIp;
      reason = reason == null ? "" : reason;
      if (count < 0) throw new IllegalArgumentException("count must not be negative");
    }

    public boolean successful() {
      return result.isEmpty();
    }

    /** The same sessions counted {@code n} times. */
    public SessionCount withCount(long n) {
      return new SessionCount(
          account,
          day,
          policyDomain,
          policyType,
          policyStrings,
          result,
          sendingIp,
          receivingMx,
          receivingIp,
          reason,
          n);
    }
  }

  /**
   * A daily report as claimed and sent.
   *
   * @param id the report-id
   * @param rua where it was sent, as published ('' when the domain publishes no record)
   * @param outcome what became of it, for the operator ("sending" while being sent)
   * @param json the report as sent (RFC 8460 §4)
   */
  record Report(
      String id,
      LocalDate day,
      String policyDomain,
      Instant created,
      String rua,
      String outcome,
      String json) {

    public Report {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(day, "day");
      Objects.requireNonNull(policyDomain, "policyDomain");
      Objects.requireNonNull(created, "created");
      rua = rua == null ? "" : rua;
      outcome = outcome == null ? "" : outcome;
      json = json == null ? "" : json;
    }
  }

  /** Adds the counts (to what is stored for the same key), in one write. */
  void addSessions(List<SessionCount> counts) throws StorageException;

  /**
   * The stored counts of the days {@code from} to {@code to} (both included), of one account (or
   * all when {@code account} is null), of one policy domain (or all when null); by day, domain.
   */
  List<SessionCount> sessions(String account, LocalDate from, LocalDate to, String policyDomain)
      throws StorageException;

  /** The days before {@code before} that have sessions but whose domains' reports are missing. */
  List<LocalDate> daysWithoutReports(LocalDate before) throws StorageException;

  /** Claims the report of its day and domain; false when one is claimed already. */
  boolean claimReport(Report report) throws StorageException;

  /** Records what became of a claimed report. */
  void finishReport(String id, String outcome) throws StorageException;

  /** The report of that id, if any. */
  Optional<Report> report(String id) throws StorageException;

  /** The reports of the days {@code from} to {@code to} (both included), newest day first. */
  List<Report> reports(LocalDate from, LocalDate to, int limit) throws StorageException;

  /**
   * Deletes counts of days before {@code beforeDay} and reports created before {@code before}.
   *
   * @return the rows deleted
   */
  int prune(LocalDate beforeDay, Instant before) throws StorageException;
}
