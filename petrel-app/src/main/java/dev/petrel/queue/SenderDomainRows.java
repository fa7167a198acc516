package dev.petrel.queue;

import dev.petrel.domains.SenderDomain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The SQL of sender domains. */
final class SenderDomainRows {

  private static final String COLUMNS =
      "domain, account, selector, rsa_private, rsa_public, ed_private, ed_public, created,"
          + " verified, checked, last_check";

  private SenderDomainRows() {}

  static boolean insert(GroupCommitWriter.Context c, SenderDomain d) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO sender_domains ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING");
    ps.setString(1, d.domain());
    ps.setString(2, d.account());
    ps.setString(3, d.selector());
    ps.setString(4, d.rsaPrivate());
    ps.setString(5, d.rsaPublic());
    ps.setString(6, d.edPrivate());
    ps.setString(7, d.edPublic());
    ps.setLong(8, d.created().toEpochMilli());
    setInstant(ps, 9, d.verified());
    setInstant(ps, 10, d.checked());
    if (d.lastCheck() == null) ps.setNull(11, Types.VARCHAR);
    else ps.setString(11, d.lastCheck());
    return ps.executeUpdate() > 0;
  }

  static SenderDomain find(Connection c, String domain) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM sender_domains WHERE domain = ?")) {
      ps.setString(1, domain);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  static List<SenderDomain> list(Connection c, String account) throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM sender_domains"
            + (account == null ? "" : " WHERE account = ?")
            + " ORDER BY domain";
    List<SenderDomain> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (account != null) ps.setString(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
    }
    return out;
  }

  /** Keeps the first verification time while checks keep passing; clears it when one fails. */
  static boolean recordCheck(
      GroupCommitWriter.Context c, String domain, Instant checked, Instant verified, String json)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE sender_domains SET checked = ?, last_check = ?,"
                + " verified = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(verified, ?) END"
                + " WHERE domain = ?");
    ps.setLong(1, checked.toEpochMilli());
    ps.setString(2, json);
    setInstant(ps, 3, verified);
    setInstant(ps, 4, verified);
    ps.setString(5, domain);
    return ps.executeUpdate() > 0;
  }

  static boolean remove(GroupCommitWriter.Context c, String account, String domain)
      throws SQLException {
    PreparedStatement ps = c.prepare("DELETE FROM sender_domains WHERE account = ? AND domain = ?");
    ps.setString(1, account);
    ps.setString(2, domain);
    return ps.executeUpdate() > 0;
  }

  private static SenderDomain row(ResultSet rs) throws SQLException {
    return new SenderDomain(
        rs.getString("domain"),
        rs.getString("account"),
        rs.getString("selector"),
        rs.getString("rsa_private"),
        rs.getString("rsa_public"),
        rs.getString("ed_private"),
        rs.getString("ed_public"),
        Instant.ofEpochMilli(rs.getLong("created")),
        instant(rs, "verified"),
        instant(rs, "checked"),
        rs.getString("last_check"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) ps.setNull(i, Types.INTEGER);
    else ps.setLong(i, t.toEpochMilli());
  }
}
