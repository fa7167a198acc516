package dev.petrel.queue;

import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SQL of webhooks, their outbox and delivery logs. Every event is recorded through {@link
 * #recordEvent}, which writes the event's outbox rows (one per webhook that wants it) in the same
 * transaction: work can neither be lost between the event and its hand-out nor handed out twice,
 * however many writers record events at once.
 */
final class WebhookRows {

  private WebhookRows() {}

  private static final String COLUMNS = "id, account, url, secret, events, final_only, created";

  /**
   * Stores a webhook if its account exists, in one statement: false (nothing stored) otherwise. It
   * gets the events recorded after it, not older ones: a new endpoint is not flooded with history.
   */
  static boolean insert(GroupCommitWriter.Context c, Webhook w) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO webhooks (id, account, url, secret, events, final_only, created)"
                + " SELECT ?, name, ?, ?, ?, ?, ? FROM accounts WHERE name = ?");
    ps.setString(1, w.id());
    ps.setString(2, w.url());
    ps.setString(3, w.secret());
    if (w.events().isEmpty()) ps.setNull(4, Types.VARCHAR);
    else ps.setString(4, String.join(",", w.events()));
    ps.setInt(5, w.finalOnly() ? 1 : 0);
    ps.setLong(6, w.created().toEpochMilli());
    ps.setString(7, w.account());
    return ps.executeUpdate() == 1;
  }

  /**
   * Records an event and, in the same transaction, one outbox row for each webhook of the account
   * that wants it ({@link Webhook#wants}: the types it listed, and for a final-only webhook no
   * message event that is not final), due at the event's time.
   *
   * @return the event's id
   */
  static long recordEvent(
      GroupCommitWriter.Context c,
      long at,
      String account,
      String type,
      String messageId,
      Integer position,
      String data)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO events (at, account, type, message_id, position, data)"
                + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    ps.setLong(1, at);
    ps.setString(2, account);
    ps.setString(3, type);
    if (messageId == null) ps.setNull(4, Types.VARCHAR);
    else ps.setString(4, messageId);
    if (position == null) ps.setNull(5, Types.INTEGER);
    else ps.setInt(5, position);
    if (data == null) ps.setNull(6, Types.VARCHAR);
    else ps.setString(6, data);
    long id;
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    boolean finalOrOther = !type.startsWith("message.") || Webhook.FINAL.contains(type);
    PreparedStatement outbox =
        c.prepare(
            "INSERT INTO webhook_queue (webhook, event_id, attempts, next_attempt)"
                + " SELECT id, ?, 0, ? FROM webhooks WHERE account = ?"
                + " AND (events IS NULL OR "
                + c.dialect().position("',' || events || ','", "?")
                + " > 0)"
                + " AND (final_only = 0 OR ? = 1)");
    outbox.setLong(1, id);
    outbox.setLong(2, at);
    outbox.setString(3, account);
    outbox.setString(4, "," + type + ",");
    outbox.setInt(5, finalOrOther ? 1 : 0);
    outbox.executeUpdate();
    return id;
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

  /** Whether the webhook has outbox rows due at {@code now} (a read: no writer needed). */
  static boolean hasDue(Connection c, String webhook, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM webhook_queue WHERE webhook = ? AND next_attempt <= ? LIMIT 1")) {
      ps.setString(1, webhook);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Takes up to {@code limit} of the webhook's due outbox rows in one statement: the update puts
   * this claim's lease on them (next_attempt becomes the lease's end) and returns the rows it
   * changed, so rows another dispatcher took in the meantime are not among them. Returned in event
   * order.
   */
  static List<WebhookStore.Pending> claim(
      GroupCommitWriter.Context c,
      String webhook,
      long now,
      int limit,
      long leaseUntil,
      String leaseId)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE webhook_queue SET lease_id = ?, next_attempt = ?"
                + " WHERE webhook = ? AND next_attempt <= ? AND event_id IN"
                + " (SELECT event_id FROM webhook_queue WHERE webhook = ? AND next_attempt <= ?"
                + " ORDER BY next_attempt, event_id LIMIT ?"
                + c.dialect().skipLocked(null)
                + ")"
                + " RETURNING event_id, attempts");
    ps.setString(1, leaseId);
    ps.setLong(2, leaseUntil);
    ps.setString(3, webhook);
    ps.setLong(4, now);
    ps.setString(5, webhook);
    ps.setLong(6, now);
    ps.setInt(7, limit);
    Map<Long, Integer> taken = new TreeMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) taken.put(rs.getLong(1), rs.getInt(2));
    }
    List<WebhookStore.Pending> out = new ArrayList<>(taken.size());
    PreparedStatement ev =
        c.prepare(
            "SELECT id, at, account, type, message_id, position, data FROM events WHERE id = ?");
    for (var e : taken.entrySet()) {
      ev.setLong(1, e.getKey());
      try (ResultSet rs = ev.executeQuery()) {
        if (rs.next()) out.add(new WebhookStore.Pending(webhook, event(rs), e.getValue(), leaseId));
      }
    }
    return out;
  }

  private static StoredEvent event(ResultSet rs) throws SQLException {
    int position = rs.getInt("position");
    Integer pos = rs.wasNull() ? null : position;
    return new StoredEvent(
        rs.getLong("id"),
        Instant.ofEpochMilli(rs.getLong("at")),
        rs.getString("account"),
        rs.getString("type"),
        rs.getString("message_id"),
        pos,
        rs.getString("data"));
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
        while (rs.next())
          out.add(new WebhookStore.Pending(webhook, event(rs), rs.getInt("attempts"), null));
      }
      return out;
    }
  }

  /**
   * Ends a claimed row as the try left it (rescheduled, or gone once delivered or given up) and
   * logs the try, only while the claim's lease is still on the row: false, nothing written, when it
   * is not (the lease ran out and another dispatcher took the row, or the webhook is gone).
   */
  static boolean recordTry(
      GroupCommitWriter.Context c, WebhookStore.Pending claimed, WebhookDelivery d)
      throws SQLException {
    PreparedStatement q;
    if (d.state() == WebhookDelivery.State.PENDING) {
      q =
          c.prepare(
              "UPDATE webhook_queue SET attempts = ?, next_attempt = ?, lease_id = NULL"
                  + " WHERE webhook = ? AND event_id = ? AND lease_id = ?");
      q.setInt(1, d.attempt());
      q.setLong(2, d.nextAttempt().toEpochMilli());
      q.setString(3, d.webhook());
      q.setLong(4, d.eventId());
      q.setString(5, claimed.lease());
    } else {
      q =
          c.prepare(
              "DELETE FROM webhook_queue WHERE webhook = ? AND event_id = ? AND lease_id = ?");
      q.setString(1, d.webhook());
      q.setLong(2, d.eventId());
      q.setString(3, claimed.lease());
    }
    if (q.executeUpdate() != 1) return false;
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
    return true;
  }

  static Void release(GroupCommitWriter.Context c, WebhookStore.Pending claimed, long due)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE webhook_queue SET lease_id = NULL, next_attempt = ?"
                + " WHERE webhook = ? AND event_id = ? AND lease_id = ?");
    ps.setLong(1, due);
    ps.setString(2, claimed.webhook());
    ps.setLong(3, claimed.event().id());
    ps.setString(4, claimed.lease());
    ps.executeUpdate();
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
