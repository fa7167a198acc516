package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of pruning: which messages are finished and old enough to go, what of them the statistics
 * keep ({@code V10__stats_rollup.sql}), and their deletion.
 *
 * <p>A message may go only when every recipient is in a final state and holds no lease, the message
 * is not held, nothing happened to it (acceptance, a state change, an attempt, an event) at or
 * after the cut-off, and no webhook still has to send one of its events (a row of the webhook
 * outbox, written with the event, is left for it). The check runs again inside the deleting
 * transaction, so a message that changed since it was picked stays.
 */
final class PruneRows {

  private PruneRows() {}

  static final long HOUR = 3_600_000L;

  /** The message {@code m} may go; parameters: the cut-off four times. */
  private static final String PRUNABLE =
      "m.held = 0 AND m.created < ?"
          + " AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id"
          + "   AND (r.state IN ('queued', 'deferred') OR r.lease_id IS NOT NULL OR r.updated >= ?))"
          + " AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = m.id AND a.at >= ?)"
          + " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = m.id"
          + "   AND (e.at >= ?"
          + "     OR EXISTS (SELECT 1 FROM webhook_queue q WHERE q.event_id = e.id)))";

  /** Where a scan of old messages goes on from: the last message looked at. */
  record Position(long created, String id) {
    static final Position START = new Position(Long.MIN_VALUE, "");
  }

  /** A message that was accepted before the cut-off (a candidate, not yet checked). */
  record Candidate(String id, long created) {}

  /** Up to {@code limit} messages accepted before {@code cutoff}, after {@code from}, in order. */
  static List<Candidate> candidates(Connection c, long cutoff, Position from, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, created FROM messages WHERE created < ?"
                + " AND (created > ? OR (created = ? AND id > ?))"
                + " ORDER BY created, id LIMIT ?")) {
      ps.setLong(1, cutoff);
      ps.setLong(2, from.created());
      ps.setLong(3, from.created());
      ps.setString(4, from.id());
      ps.setInt(5, limit);
      List<Candidate> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Candidate(rs.getString(1), rs.getLong(2)));
      }
      return out;
    }
  }

  private static void bindPrunable(PreparedStatement ps, int first, long cutoff)
      throws SQLException {
    for (int i = 0; i < 4; i++) ps.setLong(first + i, cutoff);
  }

  /** What pruning at {@code cutoff} would delete now: messages, recipients and bytes. */
  static Pruned count(Connection c, long cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*), COALESCE(SUM(m.size), 0),"
                + " COALESCE(SUM((SELECT COUNT(*) FROM recipients r WHERE r.message_id = m.id)), 0)"
                + " FROM messages m WHERE "
                + PRUNABLE)) {
      bindPrunable(ps, 1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Pruned(rs.getInt(1), rs.getInt(3), rs.getLong(2), 0);
      }
    }
  }

  /**
   * Deletes those of {@code ids} that may go, after adding what statistics count of them to the
   * rollup. Returns the ids deleted (their body files are the caller's to remove, after the commit)
   * and the totals.
   */
  static Batch delete(GroupCommitWriter.Context c, List<String> ids, long cutoff)
      throws SQLException {
    PreparedStatement check =
        c.prepare(
            "SELECT m.size, (SELECT COUNT(*) FROM recipients r WHERE r.message_id = m.id)"
                + " FROM messages m WHERE m.id = ? AND "
                + PRUNABLE);
    List<String> deleted = new ArrayList<>();
    int recipients = 0;
    long bytes = 0;
    for (String id : ids) {
      check.setString(1, id);
      bindPrunable(check, 2, cutoff);
      long size;
      int n;
      try (ResultSet rs = check.executeQuery()) {
        if (!rs.next()) continue;
        size = rs.getLong(1);
        n = rs.getInt(2);
      }
      rollUp(c, id);
      for (String sql : DELETES) {
        PreparedStatement ps = c.prepare(sql);
        ps.setString(1, id);
        ps.executeUpdate();
      }
      deleted.add(id);
      recipients += n;
      bytes += size;
    }
    return new Batch(deleted, new Pruned(deleted.size(), recipients, bytes, 0));
  }

  /** Ids deleted by one batch and what they held. */
  record Batch(List<String> ids, Pruned pruned) {}

  // Dependent rows first: the schema's foreign keys would cascade, but the order must not depend
  // on the connection enforcing them.
  private static final String[] DELETES = {
    "DELETE FROM attempts WHERE message_id = ?",
    "DELETE FROM events WHERE message_id = ?",
    "DELETE FROM bodies WHERE message_id = ?",
    "DELETE FROM recipients WHERE message_id = ?",
    "DELETE FROM messages WHERE id = ?",
  };

  /** The message's attempts that count in statistics (a passed-over server decided nothing). */
  private static final String COUNTED_ATTEMPTS =
      " FROM attempts a JOIN messages m ON m.id = a.message_id"
          + " WHERE a.message_id = ? AND (a.action IS NULL OR a.action <> 'next-server')";

  private static final String FINAL_EVENTS =
      " e.type IN ('message.delivered', 'message.bounced', 'message.expired',"
          + " 'message.suppressed')";

  /**
   * Adds one message's counts to the rollup, exactly as {@link StatsRows} counts them from its
   * rows: final-state events per hour and domain, deferred attempts, reasons and codes.
   */
  private static void rollUp(GroupCommitWriter.Context c, String id) throws SQLException {
    String[] statements = {
      "INSERT INTO stats_hours (account, hour, delivered, bounced, expired, suppressed)"
          + " SELECT e.account, (e.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, SUM(CASE WHEN e.type = 'message.delivered' THEN 1 ELSE 0 END), SUM(CASE WHEN e.type = 'message.bounced' THEN 1 ELSE 0 END),"
          + " SUM(CASE WHEN e.type = 'message.expired' THEN 1 ELSE 0 END), SUM(CASE WHEN e.type = 'message.suppressed' THEN 1 ELSE 0 END)"
          + " FROM events e WHERE e.message_id = ? AND"
          + FINAL_EVENTS
          + " GROUP BY e.account, h"
          + " ON CONFLICT (account, hour) DO UPDATE SET"
          + " delivered = stats_hours.delivered + excluded.delivered,"
          + " bounced = stats_hours.bounced + excluded.bounced,"
          + " expired = stats_hours.expired + excluded.expired,"
          + " suppressed = stats_hours.suppressed + excluded.suppressed",
      "INSERT INTO stats_hours (account, hour, deferred)"
          + " SELECT m.account, (a.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, COUNT(*)"
          + COUNTED_ATTEMPTS
          + " AND (a.code IS NULL OR a.code BETWEEN 400 AND 499) GROUP BY m.account, h"
          + " ON CONFLICT (account, hour) DO UPDATE SET deferred = stats_hours.deferred + excluded.deferred",
      "INSERT INTO stats_reasons (account, hour, reason, n)"
          + " SELECT m.account, (a.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, a.reason, COUNT(*)"
          + COUNTED_ATTEMPTS
          + " AND a.reason IS NOT NULL AND (a.code IS NULL OR a.code >= 400)"
          + " GROUP BY m.account, h, a.reason"
          + " ON CONFLICT (account, hour, reason) DO UPDATE SET n = stats_reasons.n + excluded.n",
      "INSERT INTO stats_codes (account, hour, code, enhanced, n)"
          + " SELECT m.account, (a.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, a.code, COALESCE(a.enhanced, ''), COUNT(*)"
          + COUNTED_ATTEMPTS
          + " AND a.code IS NOT NULL GROUP BY m.account, h, a.code, COALESCE(a.enhanced, '')"
          + " ON CONFLICT (account, hour, code, enhanced) DO UPDATE SET"
          + " n = stats_codes.n + excluded.n",
      "INSERT INTO stats_domains (account, hour, domain, recipients, bounced)"
          + " SELECT e.account, (e.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, r.domain, COUNT(*), SUM(CASE WHEN e.type = 'message.bounced' THEN 1 ELSE 0 END)"
          + " FROM events e JOIN recipients r"
          + " ON r.message_id = e.message_id AND r.position = e.position"
          + " WHERE e.message_id = ? AND"
          + FINAL_EVENTS
          + " GROUP BY e.account, h, r.domain"
          + " ON CONFLICT (account, hour, domain) DO UPDATE SET"
          + " recipients = stats_domains.recipients + excluded.recipients,"
          + " bounced = stats_domains.bounced + excluded.bounced",
      "INSERT INTO stats_bounce_reasons (account, hour, reason, n)"
          + " SELECT e.account, (e.at / "
          + HOUR
          + ") * "
          + HOUR
          + " AS h, COALESCE(a.reason, 'unclassified') AS reason, COUNT(*) FROM events e"
          + " JOIN attempts a ON a.id = (SELECT a2.id FROM attempts a2"
          + " WHERE a2.message_id = e.message_id AND a2.position = e.position"
          + " AND a2.at <= e.at ORDER BY a2.at DESC, a2.id DESC LIMIT 1)"
          + " WHERE e.message_id = ? AND e.type = 'message.bounced'"
          + " GROUP BY e.account, h, 3"
          + " ON CONFLICT (account, hour, reason) DO UPDATE SET"
          + " n = stats_bounce_reasons.n + excluded.n",
    };
    for (String sql : statements) {
      PreparedStatement ps = c.prepare(sql);
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  /**
   * Deletes up to {@code limit} lines of the webhook delivery log older than {@code cutoff}, except
   * those of events still waiting to be sent. Returns how many.
   */
  static int deleteWebhookLog(GroupCommitWriter.Context c, long cutoff, int limit)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "DELETE FROM webhook_deliveries WHERE id IN (SELECT d.id FROM webhook_deliveries d"
                + " WHERE d.at < ? AND NOT EXISTS (SELECT 1 FROM webhook_queue q"
                + " WHERE q.webhook = d.webhook AND q.event_id = d.event_id)"
                + " ORDER BY d.at LIMIT ?)");
    ps.setLong(1, cutoff);
    ps.setInt(2, limit);
    return ps.executeUpdate();
  }
}
