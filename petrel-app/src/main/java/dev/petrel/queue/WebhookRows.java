package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The SQL of webhooks, their to-do lists and delivery logs. */
final class WebhookRows {

  private WebhookRows() {}

  private static final String COLUMNS = "id, account, url, secret, events, final_only, created";

  static Void insert(GroupCommitWriter.Context c, Webhook w) throws SQLException {
    // The cursor starts at the newest event: a new endpoint is not flooded with history.
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO webhooks (id, account, url, secret, events, final_only, created, cursor)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM events))");
    ps.setString(1, w.id());
    ps.setString(2, w.account());
    ps.setString(3, w.url());
    ps.setString(4, w.secret());
    if (w.events().isEmpty()) ps.setNull(5, Types.VARCHAR);
    else ps.setString(5, String.join(",", w.events()));
    ps.setInt(6, w.finalOnly() ? 1 : 0);
    ps.setLong(7, w.created().toEpochMilli());
    ps.executeUpdate();
    return null;
  }

  static Webhook find(Connection c, String account, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM webhooks WHERE account = ? AND id = ?")) {
      ps.setString(1, account);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  static List<Webhook> list(Connection c, String account) throws SQLException {
    String where = account == null ? "" : " WHERE account = ?";
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM webhooks" + where + " ORDER BY created, id")) {
      if (account != null) ps.setString(1, account);
      List<Webhook> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row(rs));
      }
      return out;
    }
  }

  static boolean delete(GroupCommitWriter.Context c, String account, String id)
      throws SQLException {
    PreparedStatement ps = c.prepare("DELETE FROM webhooks WHERE account = ? AND id = ?");
    ps.setString(1, account);
    ps.setString(2, id);
    if (ps.executeUpdate() == 0) return false;
    // Foreign keys are not enforced on this connection: the dependent rows go explicitly.
    PreparedStatement q = c.prepare("DELETE FROM webhook_queue WHERE webhook = ?");
    q.setString(1, id);
    q.executeUpdate();
    PreparedStatement log = c.prepare("DELETE FROM webhook_deliveries WHERE webhook = ?");
    log.setString(1, id);
    log.executeUpdate();
    return true;
  }

  /** Whether events were recorded after the webhook's cursor (a read: no writer needed). */
  static boolean hasNew(Connection c, String webhook) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM events WHERE id > (SELECT cursor FROM webhooks WHERE id = ?) LIMIT 1")) {
      ps.setString(1, webhook);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static int handOut(GroupCommitWriter.Context c, Webhook w, int limit, long now)
      throws SQLException {
    PreparedStatement cur = c.prepare("SELECT cursor FROM webhooks WHERE id = ?");
    cur.setString(1, w.id());
    long cursor;
    try (ResultSet rs = cur.executeQuery()) {
      if (!rs.next()) return 0;
      cursor = rs.getLong(1);
    }
    // Every account's events are scanned so the cursor moves past other accounts' events too.
    PreparedStatement events =
        c.prepare("SELECT id, account, type FROM events WHERE id > ? ORDER BY id LIMIT ?");
    events.setLong(1, cursor);
    events.setInt(2, limit);
    long last = cursor;
    List<Long> wanted = new ArrayList<>();
    try (ResultSet rs = events.executeQuery()) {
      while (rs.next()) {
        last = rs.getLong(1);
        if (w.account().equals(rs.getString(2)) && w.wants(rs.getString(3))) wanted.add(last);
      }
    }
    PreparedStatement queue =
        c.prepare(
            "INSERT OR IGNORE INTO webhook_queue (webhook, event_id, attempts, next_attempt)"
                + " VALUES (?, ?, 0, ?)");
    int n = 0;
    for (long id : wanted) {
      queue.setString(1, w.id());
      queue.setLong(2, id);
      queue.setLong(3, now);
      n += queue.executeUpdate();
    }
    if (last != cursor) {
      PreparedStatement move = c.prepare("UPDATE webhooks SET cursor = ? WHERE id = ?");
      move.setLong(1, last);
      move.setString(2, w.id());
      move.executeUpdate();
    }
    return n;
  }

  static List<WebhookStore.Pending> due(Connection c, String webhook, long now, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT q.attempts, e.id, e.at, e.account, e.type, e.message_id, e.position, e.data"
                + " FROM webhook_queue q JOIN events e ON e.id = q.event_id"
                + " WHERE q.webhook = ? AND q.next_attempt <= ?"
                + " ORDER BY q.next_attempt, q.event_id LIMIT ?")) {
      ps.setString(1, webhook);
      ps.setLong(2, now);
      ps.setInt(3, limit);
      List<WebhookStore.Pending> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int position = rs.getInt("position");
          Integer pos = rs.wasNull() ? null : position;
          StoredEvent e =
              new StoredEvent(
                  rs.getLong("id"),
                  Instant.ofEpochMilli(rs.getLong("at")),
                  rs.getString("account"),
                  rs.getString("type"),
                  rs.getString("message_id"),
                  pos,
                  rs.getString("data"));
          out.add(new WebhookStore.Pending(webhook, e, rs.getInt("attempts")));
        }
      }
      return out;
    }
  }

  static Void recordTry(GroupCommitWriter.Context c, WebhookDelivery d) throws SQLException {
    PreparedStatement exists = c.prepare("SELECT 1 FROM webhooks WHERE id = ?");
    exists.setString(1, d.webhook());
    try (ResultSet rs = exists.executeQuery()) {
      if (!rs.next()) return null;
    }
    PreparedStatement log =
        c.prepare(
            "INSERT INTO webhook_deliveries (webhook, event_id, event_type, attempt, at, status,"
                + " error, duration, next_attempt, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    log.setString(1, d.webhook());
    log.setLong(2, d.eventId());
    log.setString(3, d.eventType());
    log.setInt(4, d.attempt());
    log.setLong(5, d.at().toEpochMilli());
    if (d.status() == null) log.setNull(6, Types.INTEGER);
    else log.setInt(6, d.status());
    if (d.error() == null) log.setNull(7, Types.VARCHAR);
    else log.setString(7, d.error());
    log.setLong(8, d.durationMillis());
    if (d.nextAttempt() == null) log.setNull(9, Types.INTEGER);
    else log.setLong(9, d.nextAttempt().toEpochMilli());
    log.setString(10, d.state().id());
    log.executeUpdate();
    PreparedStatement q;
    if (d.state() == WebhookDelivery.State.PENDING) {
      q =
          c.prepare(
              "UPDATE webhook_queue SET attempts = ?, next_attempt = ?"
                  + " WHERE webhook = ? AND event_id = ?");
      q.setInt(1, d.attempt());
      q.setLong(2, d.nextAttempt().toEpochMilli());
      q.setString(3, d.webhook());
      q.setLong(4, d.eventId());
    } else {
      q = c.prepare("DELETE FROM webhook_queue WHERE webhook = ? AND event_id = ?");
      q.setString(1, d.webhook());
      q.setLong(2, d.eventId());
    }
    q.executeUpdate();
    return null;
  }

  static List<WebhookDelivery> deliveries(Connection c, String webhook, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, webhook, event_id, event_type, attempt, at, status, error, duration,"
                + " next_attempt, state FROM webhook_deliveries WHERE webhook = ?"
                + " ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, webhook);
      ps.setInt(2, limit);
      List<WebhookDelivery> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int status = rs.getInt("status");
          Integer st = rs.wasNull() ? null : status;
          long next = rs.getLong("next_attempt");
          Instant nextAt = rs.wasNull() ? null : Instant.ofEpochMilli(next);
          out.add(
              new WebhookDelivery(
                  rs.getLong("id"),
                  rs.getString("webhook"),
                  rs.getLong("event_id"),
                  rs.getString("event_type"),
                  rs.getInt("attempt"),
                  Instant.ofEpochMilli(rs.getLong("at")),
                  st,
                  rs.getString("error"),
                  rs.getLong("duration"),
                  nextAt,
                  WebhookDelivery.State.of(rs.getString("state"))));
        }
      }
      return out;
    }
  }

  private static Webhook row(ResultSet rs) throws SQLException {
    String events = rs.getString("events");
    return new Webhook(
        rs.getString("id"),
        rs.getString("account"),
        rs.getString("url"),
        rs.getString("secret"),
        events == null ? List.of() : Arrays.asList(events.split(",")),
        rs.getInt("final_only") != 0,
        Instant.ofEpochMilli(rs.getLong("created")));
  }
}
