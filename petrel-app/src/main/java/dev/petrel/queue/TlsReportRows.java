package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The SQL of {@link TlsReportStore} (tables of {@code V14__tls_reports.sql}). */
final class TlsReportRows {

  private TlsReportRows() {}

  private static final String COLUMNS =
      "account, day, policy_domain, policy_type, policy_strings, result, sending_ip,"
          + " receiving_mx, receiving_ip, reason";

  static Void add(GroupCommitWriter.Context c, List<TlsReportStore.SessionCount> counts)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO tls_sessions ("
                + COLUMNS
                + ", n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain,"
                + " account, policy_type, policy_strings, result, sending_ip, receiving_mx,"
                + " receiving_ip, reason) DO UPDATE SET n = tls_sessions.n + excluded.n");
    for (TlsReportStore.SessionCount s : counts) {
      ps.setString(1, s.account());
      ps.setString(2, s.day().toString());
      ps.setString(3, s.policyDomain());
      ps.setString(4, s.policyType());
      ps.setString(5, String.join("\n", s.policyStrings()));
      ps.setString(6, s.result());
      ps.setString(7, s.sendingIp());
      ps.setString(8, s.receivingMx());
      ps.setString(9, s.receivingIp());
      ps.setString(10, s.reason());
      ps.setLong(11, s.count());
      ps.executeUpdate();
    }
    return null;
  }

  static List<TlsReportStore.SessionCount> sessions(
      Connection c, String account, LocalDate from, LocalDate to, String domain)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + ", n FROM tls_sessions WHERE day >= ? AND day <= ?");
    List<String> args = new ArrayList<>(List.of(from.toString(), to.toString()));
    if (account != null) {
      sql.append(" AND account = ?");
      args.add(account);
    }
    if (domain != null) {
      sql.append(" AND policy_domain = ?");
      args.add(domain);
    }
    sql.append(
        " ORDER BY day, policy_domain, policy_type, policy_strings, result, receiving_mx,"
            + " receiving_ip, sending_ip, reason, account");
    List<TlsReportStore.SessionCount> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) ps.setString(i + 1, args.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String strings = rs.getString("policy_strings");
          out.add(
              new TlsReportStore.SessionCount(
                  rs.getString("account"),
                  LocalDate.parse(rs.getString("day")),
                  rs.getString("policy_domain"),
                  rs.getString("policy_type"),
                  strings.isEmpty() ? List.of() : Arrays.asList(strings.split("\n", -1)),
                  rs.getString("result"),
                  rs.getString("sending_ip"),
                  rs.getString("receiving_mx"),
                  rs.getString("receiving_ip"),
                  rs.getString("reason"),
                  rs.getLong("n")));
        }
      }
    }
    return out;
  }

  static List<LocalDate> daysWithoutReports(Connection c, LocalDate before) throws SQLException {
    List<LocalDate> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT s.day FROM tls_sessions s WHERE s.day < ? AND NOT EXISTS (SELECT 1"
                + " FROM tls_reports r WHERE r.day = s.day AND r.policy_domain = s.policy_domain)"
                + " ORDER BY s.day")) {
      ps.setString(1, before.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(LocalDate.parse(rs.getString(1)));
      }
    }
    return out;
  }

  static boolean claim(GroupCommitWriter.Context c, TlsReportStore.Report r) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO tls_reports (id, day, policy_domain, created, rua, outcome, report)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    ps.setString(1, r.id());
    ps.setString(2, r.day().toString());
    ps.setString(3, r.policyDomain());
    ps.setLong(4, r.created().toEpochMilli());
    ps.setString(5, r.rua());
    ps.setString(6, r.outcome());
    ps.setString(7, r.json());
    return ps.executeUpdate() == 1;
  }

  static Void finish(GroupCommitWriter.Context c, String id, String outcome) throws SQLException {
    PreparedStatement ps = c.prepare("UPDATE tls_reports SET outcome = ? WHERE id = ?");
    ps.setString(1, outcome);
    ps.setString(2, id);
    ps.executeUpdate();
    return null;
  }

  private static final String REPORT_COLUMNS =
      "SELECT id, day, policy_domain, created, rua, outcome, report FROM tls_reports";

  static TlsReportStore.Report find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(REPORT_COLUMNS + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? report(rs) : null;
      }
    }
  }

  static List<TlsReportStore.Report> list(Connection c, LocalDate from, LocalDate to, int limit)
      throws SQLException {
    List<TlsReportStore.Report> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            REPORT_COLUMNS
                + " WHERE day >= ? AND day <= ? ORDER BY day DESC, policy_domain LIMIT ?")) {
      ps.setString(1, from.toString());
      ps.setString(2, to.toString());
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(report(rs));
      }
    }
    return out;
  }

  private static TlsReportStore.Report report(ResultSet rs) throws SQLException {
    return new TlsReportStore.Report(
        rs.getString("id"),
        LocalDate.parse(rs.getString("day")),
        rs.getString("policy_domain"),
        Instant.ofEpochMilli(rs.getLong("created")),
        rs.getString("rua"),
        rs.getString("outcome"),
        rs.getString("report"));
  }

  static int prune(GroupCommitWriter.Context c, LocalDate beforeDay, Instant before)
      throws SQLException {
    PreparedStatement sessions = c.prepare("DELETE FROM tls_sessions WHERE day < ?");
    sessions.setString(1, beforeDay.toString());
    int n = sessions.executeUpdate();
    PreparedStatement reports = c.prepare("DELETE FROM tls_reports WHERE created < ?");
    reports.setLong(1, before.toEpochMilli());
    return n + reports.executeUpdate();
  }
}
