package dev.petrel.queue;

import dev.petrel.model.RecipientState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL behind statistics and the queue-depth gauge. Final states are counted from the events
 * table (one row per state change, kept after a message is deleted by hand); deferred attempts,
 * reasons and codes from the attempts table. Both are read through the indexes of {@code
 * V8__stats.sql}. To each count is added what the rollup of {@code V10__stats_rollup.sql} kept of
 * the messages pruning deleted, per hour: an hour of it counts when the hour starts inside the
 * range, so ranges whose ends are whole hours give the same answer before and after pruning.
 */
final class StatsRows {

  private StatsRows() {}

  // Servers passed over for the next MX (action next-server) are in the history but decided
  // nothing, so statistics leave them out.
  private static final String ATTEMPTS_OF_ACCOUNT =
      " FROM attempts a JOIN messages m ON m.id = a.message_id"
          + " WHERE a.at >= ? AND a.at < ? AND m.account = ?"
          + " AND (a.action IS NULL OR a.action <> 'next-server')";

  static Statistics read(Connection c, String account, Instant from, Instant to, long bucket)
      throws SQLException {
    long start = Math.floorDiv(from.toEpochMilli(), bucket) * bucket;
    long end = to.toEpochMilli();
    Map<Long, long[]> byBucket = new LinkedHashMap<>();
    for (long b = start; b < end; b += bucket) byBucket.put(b, new long[5]);

    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT (at / ?) * ? AS b, type, COUNT(*) AS n FROM events"
                + " WHERE account = ? AND at >= ? AND at < ? GROUP BY b, type")) {
      ps.setLong(1, bucket);
      ps.setLong(2, bucket);
      ps.setString(3, account);
      ps.setLong(4, from.toEpochMilli());
      ps.setLong(5, end);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long[] row = byBucket.get(rs.getLong("b"));
          int i = column(rs.getString("type"));
          if (row != null && i >= 0) row[i] += rs.getLong("n");
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT (a.at / ?) * ? AS b, COUNT(*) AS n"
                + ATTEMPTS_OF_ACCOUNT
                + " AND (a.code IS NULL OR a.code BETWEEN 400 AND 499) GROUP BY b")) {
      ps.setLong(1, bucket);
      ps.setLong(2, bucket);
      range(ps, 3, account, from, end);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long[] row = byBucket.get(rs.getLong("b"));
          if (row != null) row[1] += rs.getLong("n");
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT (hour / ?) * ? AS b, SUM(delivered), SUM(deferred), SUM(bounced),"
                + " SUM(expired), SUM(suppressed) FROM stats_hours"
                + " WHERE account = ? AND hour >= ? AND hour < ? GROUP BY b")) {
      ps.setLong(1, bucket);
      ps.setLong(2, bucket);
      ps.setString(3, account);
      ps.setLong(4, from.toEpochMilli());
      ps.setLong(5, end);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long[] row = byBucket.get(rs.getLong("b"));
          if (row == null) continue;
          for (int i = 0; i < 5; i++) row[i] += rs.getLong(i + 2);
        }
      }
    }
    List<Statistics.Bucket> buckets = new ArrayList<>();
    for (var e : byBucket.entrySet()) {
      long[] n = e.getValue();
      buckets.add(
          new Statistics.Bucket(Instant.ofEpochMilli(e.getKey()), n[0], n[1], n[2], n[3], n[4]));
    }

    List<Statistics.Count> reasons =
        topReasons(
            c,
            "SELECT a.reason AS reason, COUNT(*) AS n"
                + ATTEMPTS_OF_ACCOUNT
                + " AND a.reason IS NOT NULL AND (a.code IS NULL OR a.code >= 400)"
                + " GROUP BY a.reason",
            ps -> range(ps, 1, account, from, end),
            "stats_reasons",
            account,
            from,
            end);
    List<Statistics.CodeCount> codes = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, enhanced, SUM(n) AS total FROM ("
                + "SELECT a.code AS code, a.enhanced AS enhanced, COUNT(*) AS n"
                + ATTEMPTS_OF_ACCOUNT
                + " AND a.code IS NOT NULL GROUP BY a.code, a.enhanced"
                + " UNION ALL SELECT code, NULLIF(enhanced, ''), n FROM stats_codes"
                + ROLLUP_OF_ACCOUNT
                + ") AS u GROUP BY code, enhanced ORDER BY total DESC, code, enhanced LIMIT ?")) {
      range(ps, 1, account, from, end);
      rollupRange(ps, 4, account, from, end);
      ps.setInt(7, Statistics.TOP);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          codes.add(new Statistics.CodeCount(rs.getInt(1), rs.getString(2), rs.getLong(3)));
      }
    }
    List<Statistics.DomainCount> domains = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT domain, SUM(n) AS total, SUM(bounced) FROM ("
                + "SELECT r.domain AS domain, COUNT(*) AS n,"
                + " SUM(CASE WHEN e.type = 'message.bounced' THEN 1 ELSE 0 END) AS bounced"
                + " FROM events e JOIN recipients r"
                + " ON r.message_id = e.message_id AND r.position = e.position"
                + " WHERE e.account = ? AND e.at >= ? AND e.at < ? AND e.type IN"
                + " ('message.delivered', 'message.bounced', 'message.expired',"
                + " 'message.suppressed')"
                + " GROUP BY r.domain"
                + " UNION ALL SELECT domain, recipients, bounced FROM stats_domains"
                + ROLLUP_OF_ACCOUNT
                + ") AS u GROUP BY domain ORDER BY total DESC, domain LIMIT ?")) {
      ps.setString(1, account);
      ps.setLong(2, from.toEpochMilli());
      ps.setLong(3, end);
      rollupRange(ps, 4, account, from, end);
      ps.setInt(7, Statistics.TOP);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          domains.add(new Statistics.DomainCount(rs.getString(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    // The reason of each recipient that bounced in the range: its last attempt (or bounce report)
    // at or before the change to bounced.
    List<Statistics.Count> bounceReasons =
        topReasons(
            c,
            "SELECT COALESCE(a.reason, 'unclassified') AS reason, COUNT(*) AS n FROM events e"
                + " JOIN attempts a ON a.id = (SELECT a2.id FROM attempts a2"
                + " WHERE a2.message_id = e.message_id AND a2.position = e.position"
                + " AND a2.at <= e.at ORDER BY a2.at DESC, a2.id DESC LIMIT 1)"
                + " WHERE e.account = ? AND e.at >= ? AND e.at < ? AND e.type = 'message.bounced'"
                + " GROUP BY 1",
            ps -> {
              ps.setString(1, account);
              ps.setLong(2, from.toEpochMilli());
              ps.setLong(3, end);
            },
            "stats_bounce_reasons",
            account,
            from,
            end);
    return new Statistics(buckets, reasons, codes, domains, bounceReasons);
  }

  /** Recipients waiting for delivery, by state ({@code queued}, {@code deferred}). */
  static Map<RecipientState, Long> depth(Connection c) throws SQLException {
    Map<RecipientState, Long> out = new EnumMap<>(RecipientState.class);
    out.put(RecipientState.QUEUED, 0L);
    out.put(RecipientState.DEFERRED, 0L);
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT state, COUNT(*) FROM recipients WHERE state IN ('queued', 'deferred')"
                    + " GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(RecipientState.of(rs.getString(1)), rs.getLong(2));
    }
    return out;
  }

  /** Rows of the webhooks' to-do list: events handed out, not yet delivered nor given up. */
  static long webhookBacklog(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM webhook_queue");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * When the oldest message with a recipient due now was accepted (held messages are not due), or
   * null when nothing is due: how far behind delivery is.
   */
  static Long oldestDue(Connection c, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT MIN(m.created) FROM recipients r JOIN messages m ON m.id = r.message_id"
                + " WHERE r.state IN ('queued', 'deferred') AND r.next_attempt <= ? AND m.held = 0")) {
      ps.setLong(1, now);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  /** Rollup rows of one account whose hour starts in the range: account, from, to. */
  private static final String ROLLUP_OF_ACCOUNT = " WHERE account = ? AND hour >= ? AND hour < ?";

  private static void rollupRange(
      PreparedStatement ps, int first, String account, Instant from, long end) throws SQLException {
    ps.setString(first, account);
    ps.setLong(first + 1, from.toEpochMilli());
    ps.setLong(first + 2, end);
  }

  /** Sets the three parameters of a query's live part. */
  private interface LiveParameters {
    void set(PreparedStatement ps) throws SQLException;
  }

  /**
   * The most frequent reasons: {@code live} (reason, n rows over the rows still kept; its three
   * parameters set by {@code parameters}) added to what the rollup {@code table} keeps of pruned
   * mail in the range.
   */
  private static List<Statistics.Count> topReasons(
      Connection c,
      String live,
      LiveParameters parameters,
      String table,
      String account,
      Instant from,
      long end)
      throws SQLException {
    List<Statistics.Count> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT reason, SUM(n) AS total FROM ("
                + live
                + " UNION ALL SELECT reason, n FROM "
                + table
                + ROLLUP_OF_ACCOUNT
                + ") AS u GROUP BY reason ORDER BY total DESC, reason LIMIT ?")) {
      parameters.set(ps);
      rollupRange(ps, 4, account, from, end);
      ps.setInt(7, Statistics.TOP);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Statistics.Count(rs.getString(1), rs.getLong(2)));
      }
    }
    return out;
  }

  private static void range(PreparedStatement ps, int first, String account, Instant from, long end)
      throws SQLException {
    ps.setLong(first, from.toEpochMilli());
    ps.setLong(first + 1, end);
    ps.setString(first + 2, account);
  }

  /** The bucket column of a state-change event, or -1 for states statistics do not count. */
  private static int column(String type) {
    return switch (type) {
      case "message.delivered" -> 0;
      case "message.bounced" -> 2;
      case "message.expired" -> 3;
      case "message.suppressed" -> 4;
      default -> -1;
    };
  }
}
