package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** SQL of the kept MTA-STS policies ({@code mta_sts_policies}), the same for both back ends. */
final class PolicyRows {

  private PolicyRows() {}

  static KeptPolicy find(Connection c, String domain) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT domain, id, policy, fetched, expires FROM mta_sts_policies WHERE domain = ?")) {
      ps.setString(1, domain);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        return new KeptPolicy(
            rs.getString(1),
            rs.getString(2),
            rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4)),
            Instant.ofEpochMilli(rs.getLong(5)));
      }
    }
  }

  /** Replaces the domain's kept policy. */
  static Void keep(GroupCommitWriter.Context c, KeptPolicy p) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO mta_sts_policies (domain, id, policy, fetched, expires)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET id = excluded.id,"
                + " policy = excluded.policy, fetched = excluded.fetched,"
                + " expires = excluded.expires");
    ps.setString(1, p.domain());
    ps.setString(2, p.id());
    ps.setString(3, p.policy());
    ps.setLong(4, p.fetched().toEpochMilli());
    ps.setLong(5, p.expires().toEpochMilli());
    ps.executeUpdate();
    return null;
  }
}
