package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/** The SQL of suppression lists and of paused destinations. */
final class SuppressionRows {

  private SuppressionRows() {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static boolean add(GroupCommitWriter.Context c, Suppression s) throws SQLException {
    boolean existed = find(c.connection(), s.account(), s.address()) != null;
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO suppressions (account, address, reason, source, created)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, address) DO UPDATE SET"
                + " reason = excluded.reason, source = excluded.source, created = excluded.created");
    ps.setString(1, s.account());
    ps.setString(2, s.address());
    ps.setString(3, s.reason());
    if (s.source() == null) ps.setNull(4, Types.VARCHAR);
    else ps.setString(4, s.source());
    ps.setLong(5, s.created().toEpochMilli());
    ps.executeUpdate();
    if (!existed) {
      // suppression.added, in the same transaction (webhooks read it from the events table)
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("address", s.address());
      data.put("reason", s.reason());
      data.put("source", s.source());
      AccountRows.addEvent(
          c, s.created(), s.account(), "suppression.added", null, JSON.writeValueAsString(data));
    }
    return !existed;
  }

  static boolean remove(GroupCommitWriter.Context c, String account, String address)
      throws SQLException {
    PreparedStatement ps = c.prepare("DELETE FROM suppressions WHERE account = ? AND address = ?");
    ps.setString(1, account);
    ps.setString(2, Suppression.key(address));
    return ps.executeUpdate() > 0;
  }

  static Suppression find(Connection c, String account, String address) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT account, address, reason, source, created FROM suppressions"
                + " WHERE account = ? AND address = ?")) {
      ps.setString(1, account);
      ps.setString(2, Suppression.key(address));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  static List<Suppression> list(Connection c, String account, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT account, address, reason, source, created FROM suppressions"
                + " WHERE account = ? ORDER BY created, address LIMIT ?")) {
      ps.setString(1, account);
      ps.setInt(2, limit);
      List<Suppression> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    }
  }

  private static Suppression row(ResultSet rs) throws SQLException {
    return new Suppression(
        rs.getString("account"),
        rs.getString("address"),
        rs.getString("reason"),
        rs.getString("source"),
        Instant.ofEpochMilli(rs.getLong("created")));
  }

  static Void pause(GroupCommitWriter.Context c, String domain, long now) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO paused (domain, since) VALUES (?, ?) ON CONFLICT (domain) DO NOTHING");
    ps.setString(1, domain);
    ps.setLong(2, now);
    ps.executeUpdate();
    return null;
  }

  /** Lifts one domain's pause, or every pause when {@code domain} is null. */
  static Void resume(GroupCommitWriter.Context c, String domain) throws SQLException {
    if (domain == null) {
      c.execute("DELETE FROM paused");
      return null;
    }
    PreparedStatement ps = c.prepare("DELETE FROM paused WHERE domain = ?");
    ps.setString(1, domain);
    ps.executeUpdate();
    return null;
  }

  static Set<String> paused(Connection c) throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT domain FROM paused ORDER BY domain");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }
}
