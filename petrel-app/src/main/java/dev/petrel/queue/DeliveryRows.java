package dev.petrel.queue;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.DeliveryJob.JobRecipient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of delivery: claiming due recipients under a lease, recording attempts and state changes,
 * and the operator's bulk retry and cancel. Every write runs as a task of the store's writer, in
 * one transaction; no guarantee rests on there being a single writer, though: each change is an
 * update whose own condition (still due, the claim's lease id, the state read) decides whether it
 * happens, so several writers on one database (threads, processes, nodes) cannot take or record one
 * recipient twice.
 */
final class DeliveryRows {

  private DeliveryRows() {}

  /**
   * Candidates for a claim. Held messages and paused destinations never show up here. The pause of
   * all delivery (domain '') is its own condition, not part of the per-row one: it does not depend
   * on the row, so the database decides it once per query and, while everything is paused, reads no
   * recipients at all (folded into the per-row test it made every wake-up scan the whole due
   * backlog to return nothing).
   */
  private static final String DUE =
      "SELECT r.message_id, r.position, r.address, r.domain, r.attempts, r.possible_duplicate,"
          + " r.dsn_notify, r.dsn_orcpt, m.account, s.reason AS s_reason, s.created AS s_created"
          + " FROM recipients r JOIN messages m ON m.id = r.message_id"
          + " LEFT JOIN suppressions s ON s.account = m.account AND s.address = lower(r.address)"
          + " WHERE NOT EXISTS (SELECT 1 FROM paused a WHERE a.domain = '')"
          + " AND r.state = ? AND r.next_attempt <= ? AND m.held = 0"
          + " AND NOT EXISTS (SELECT 1 FROM paused p WHERE p.domain = r.domain)"
          + "%s ORDER BY r.next_attempt, r.message_id, r.position LIMIT ?";

  private record Due(
      String state,
      String messageId,
      int position,
      String address,
      String domain,
      int attempts,
      boolean possibleDuplicate,
      String dsnNotify,
      String dsnOrcpt,
      String account,
      String suppressedFor,
      long suppressedSince) {}

  /**
   * Claims due recipients. While leased, a recipient's next_attempt is the end of its lease, so the
   * due index skips work in flight, and a lease that runs out (the node died) makes the recipient
   * due again without anyone having to notice the crash.
   *
   * <p>Fairness, two lanes: fresh mail (state queued) and retries (state deferred) are read
   * separately, each oldest-due first. Retries get at most half of the claim when fresh mail is
   * waiting, and fresh mail takes whatever retries leave. So a backlog of 100,000 deferred
   * recipients cannot hold back a new message, and a flood of new mail cannot starve retries either
   * (a single ordering with fresh mail first could).
   *
   * <p>Domains in {@code skip} are left out: the scheduler names destinations whose connections are
   * all busy, so that a backlog for one of them does not fill every claim.
   *
   * <p>Ownership does not rest on the read: each candidate is taken by a conditional update that
   * matches only while the recipient is still in the state it was read in and still due (no live
   * lease), so of two claimers that read the same candidate exactly one updates it, and a claim
   * returns only the recipients whose update matched. Suppression works the same way.
   */
  static List<DeliveryJob> claim(
      GroupCommitWriter.Context c,
      long now,
      int limit,
      long leaseMillis,
      String leaseId,
      String node,
      List<String> skip)
      throws SQLException {
    List<Due> fresh = due(c, "queued", now, limit, skip);
    List<Due> retries = due(c, "deferred", now, limit, skip);
    int retryTake = Math.min(retries.size(), Math.max(limit - fresh.size(), limit / 2));
    int freshTake = Math.min(fresh.size(), limit - retryTake);
    List<Due> taken = new ArrayList<>(freshTake + retryTake);
    taken.addAll(fresh.subList(0, freshTake));
    taken.addAll(retries.subList(0, retryTake));

    long until = now + leaseMillis;
    PreparedStatement lease =
        c.prepare(
            "UPDATE recipients SET lease_id = ?, lease_node = ?, lease_until = ?, next_attempt = ?"
                + STILL_DUE);
    Map<String, Map<String, List<JobRecipient>>> groups = new LinkedHashMap<>();
    for (Due d : taken) {
      if (d.suppressedFor() != null) {
        suppress(c, d, now);
        continue;
      }
      lease.setString(1, leaseId);
      lease.setString(2, node);
      lease.setLong(3, until);
      lease.setLong(4, until);
      bindStillDue(lease, 5, d, now);
      if (lease.executeUpdate() != 1) continue; // another claimer took it first
      groups
          .computeIfAbsent(d.messageId(), k -> new LinkedHashMap<>())
          .computeIfAbsent(d.domain(), k -> new ArrayList<>())
          .add(
              new JobRecipient(
                  d.position(),
                  new Recipient(address(d.address()), d.dsnNotify(), d.dsnOrcpt()),
                  d.attempts(),
                  d.possibleDuplicate()));
    }
    List<DeliveryJob> jobs = new ArrayList<>();
    Instant leaseEnd = Instant.ofEpochMilli(until);
    for (var byMessage : groups.entrySet()) {
      StoredMessage message = MessageRows.find(c.connection(), new QueueId(byMessage.getKey()));
      for (var byDomain : byMessage.getValue().entrySet()) {
        List<JobRecipient> rs = byDomain.getValue();
        rs.sort(java.util.Comparator.comparingInt(JobRecipient::position));
        jobs.add(new DeliveryJob(message, byDomain.getKey(), leaseId, leaseEnd, rs));
      }
    }
    return jobs;
  }

  /**
   * The condition of every claim's update: the recipient is still in the state it was read in,
   * still due (no lease, or one that ran out) and its message is not held.
   */
  private static final String STILL_DUE =
      " WHERE message_id = ? AND position = ? AND state = ? AND next_attempt <= ?"
          + " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = recipients.message_id"
          + " AND m.held = 1)";

  private static void bindStillDue(PreparedStatement ps, int from, Due d, long now)
      throws SQLException {
    ps.setString(from, d.messageId());
    ps.setInt(from + 1, d.position());
    ps.setString(from + 2, d.state());
    ps.setLong(from + 3, now);
  }

  private static List<Due> due(
      GroupCommitWriter.Context c, String state, long now, int limit, List<String> skip)
      throws SQLException {
    // One statement per number of skipped domains (bounded by the store), each prepared once.
    String notIn =
        skip.isEmpty() ? "" : " AND r.domain NOT IN (" + "?,".repeat(skip.size() - 1) + "?)";
    PreparedStatement ps = c.prepare(DUE.formatted(notIn) + c.dialect().skipLocked("r"));
    int i = 1;
    ps.setString(i++, state);
    ps.setLong(i++, now);
    for (String d : skip) ps.setString(i++, d);
    ps.setInt(i, limit);
    List<Due> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next())
        out.add(
            new Due(
                state,
                rs.getString("message_id"),
                rs.getInt("position"),
                rs.getString("address"),
                rs.getString("domain"),
                rs.getInt("attempts"),
                rs.getInt("possible_duplicate") != 0,
                rs.getString("dsn_notify"),
                rs.getString("dsn_orcpt"),
                rs.getString("account"),
                rs.getString("s_reason"),
                rs.getLong("s_created")));
    }
    return out;
  }

  /** A recipient on its account's suppression list ends here, without a connection. */
  private static void suppress(GroupCommitWriter.Context c, Due d, long now) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE recipients SET state = 'suppressed', next_attempt = NULL, lease_id = NULL,"
                + " lease_node = NULL, lease_until = NULL, updated = ?"
                + STILL_DUE);
    ps.setLong(1, now);
    bindStillDue(ps, 2, d, now);
    if (ps.executeUpdate() != 1) return; // another claimer got there first
    AttemptRecord a =
        new AttemptRecord(
            Instant.ofEpochMilli(now),
            null,
            null,
            null,
            null,
            null,
            null,
            "not sent: "
                + d.address()
                + " is on the suppression list of account "
                + d.account()
                + " since "
                + Instant.ofEpochMilli(d.suppressedSince())
                + " (reason: "
                + d.suppressedFor()
                + ")",
            null,
            "suppressed",
            "suppress");
    insertAttempt(c, d.messageId(), d.position(), a);
    event(c, now, d.account(), RecipientState.SUPPRESSED, d.messageId(), d.position());
  }

  /**
   * Records an attempt for the holder of the recipient's lease. The lease id is unique to one claim
   * and a claim replaces it, so the update's condition on it is what proves the caller still holds
   * the recipient; it also compares the state read just before (compare and set), so an operator's
   * cancel that lands in between is not overwritten. Refused (false, nothing written) when the
   * lease is gone.
   *
   * <p>A lease that ran out without anyone claiming the recipient again still belongs to its
   * holder: the attempt did happen, and refusing it would only send the mail a second time.
   */
  static boolean record(
      GroupCommitWriter.Context c,
      DeliveryJob job,
      int position,
      AttemptRecord attempt,
      RecipientUpdate update)
      throws SQLException {
    String id = job.message().id().value();
    PreparedStatement check =
        c.prepare(
            "SELECT state FROM recipients WHERE message_id = ? AND position = ? AND lease_id = ?"
                + c.dialect().forUpdate());
    check.setString(1, id);
    check.setInt(2, position);
    check.setString(3, job.leaseId());
    RecipientState current;
    try (ResultSet rs = check.executeQuery()) {
      if (!rs.next()) return false;
      current = RecipientState.of(rs.getString("state"));
    }
    // An operator's cancel made while the attempt ran stands, unless the mail got through.
    RecipientState next =
        current == RecipientState.CANCELLED && update.state() != RecipientState.DELIVERED
            ? RecipientState.CANCELLED
            : update.state();
    PreparedStatement ps =
        c.prepare(
            "UPDATE recipients SET state = ?, next_attempt = ?, attempts = attempts + 1,"
                + " possible_duplicate = "
                + c.dialect().greatest()
                + "(possible_duplicate, ?), lease_id = NULL,"
                + " lease_node = NULL, lease_until = NULL, updated = ?"
                + " WHERE message_id = ? AND position = ? AND lease_id = ? AND state = ?");
    ps.setString(1, next.id());
    if (next.isFinal()) ps.setNull(2, Types.INTEGER);
    else ps.setLong(2, update.nextAttempt().toEpochMilli());
    ps.setInt(3, update.possibleDuplicate() ? 1 : 0);
    ps.setLong(4, attempt.at().toEpochMilli());
    ps.setString(5, id);
    ps.setInt(6, position);
    ps.setString(7, job.leaseId());
    ps.setString(8, current.id());
    if (ps.executeUpdate() != 1) return false;
    insertAttempt(c, id, position, attempt);
    if (next != current)
      event(c, attempt.at().toEpochMilli(), job.message().account(), next, id, position);
    return true;
  }

  static Void unclaim(GroupCommitWriter.Context c, DeliveryJob job, long next) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE recipients SET lease_id = NULL, lease_node = NULL, lease_until = NULL,"
                + " next_attempt = CASE WHEN state IN ('queued', 'deferred') THEN ? END"
                + " WHERE message_id = ? AND position = ? AND lease_id = ?");
    for (JobRecipient r : job.recipients()) {
      ps.setLong(1, next);
      ps.setString(2, job.message().id().value());
      ps.setInt(3, r.position());
      ps.setString(4, job.leaseId());
      ps.executeUpdate();
    }
    return null;
  }

  /**
   * See {@link MessageStore#releaseLeases}: the node's leases end (and those taken before leases
   * named their node), waiting recipients are due now. Other nodes' leases stay.
   */
  static int releaseLeases(GroupCommitWriter.Context c, long now, String node) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE recipients SET lease_id = NULL, lease_node = NULL, lease_until = NULL,"
                + " next_attempt = CASE WHEN state IN ('queued', 'deferred') THEN ? END,"
                + " possible_duplicate = CASE WHEN state IN ('queued', 'deferred') THEN 1"
                + " ELSE possible_duplicate END"
                + " WHERE lease_id IS NOT NULL AND (lease_node = ? OR lease_node IS NULL)");
    ps.setLong(1, now);
    ps.setString(2, node);
    return ps.executeUpdate();
  }

  static void insertAttempt(
      GroupCommitWriter.Context c, String messageId, int position, AttemptRecord a)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO attempts (message_id, position, at, mx, ip, tls, phase, code, enhanced,"
                + " text, bounce, reason, action, tls_verified, tls_policy, tls_problem)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setString(1, messageId);
    ps.setInt(2, position);
    ps.setLong(3, a.at().toEpochMilli());
    text(ps, 4, a.mx());
    text(ps, 5, a.ip());
    text(ps, 6, a.tls());
    text(ps, 7, a.phase());
    if (a.code() == null) ps.setNull(8, Types.INTEGER);
    else ps.setInt(8, a.code());
    text(ps, 9, a.enhanced());
    text(ps, 10, a.text());
    text(ps, 11, a.bounce());
    text(ps, 12, a.reason());
    text(ps, 13, a.action());
    text(ps, 14, a.tlsVerified());
    text(ps, 15, a.tlsPolicy());
    text(ps, 16, a.tlsProblem());
    ps.executeUpdate();
  }

  static void event(
      GroupCommitWriter.Context c,
      long at,
      String account,
      RecipientState state,
      String messageId,
      int position)
      throws SQLException {
    WebhookRows.recordEvent(c, at, account, "message." + state.id(), messageId, position, null);
  }

  /** The WHERE clause of a bulk operation over waiting recipients, and its parameters. */
  private record Filter(String sql, List<Object> params) {
    static Filter of(Selection s, List<QueueId> ids) {
      StringBuilder sql = new StringBuilder("state IN ('queued', 'deferred')");
      List<Object> params = new ArrayList<>();
      if (!ids.isEmpty()) {
        sql.append(" AND message_id IN (").append("?,".repeat(ids.size() - 1)).append("?)");
        for (QueueId id : ids) params.add(id.value());
      }
      if (s.domain() != null) {
        sql.append(" AND domain = ?");
        params.add(s.domain());
      }
      if (s.state() != null) {
        sql.append(" AND state = ?");
        params.add(s.state().id());
      }
      return new Filter(sql.toString(), params);
    }

    int bind(PreparedStatement ps, int from) throws SQLException {
      int i = from;
      for (Object p : params) ps.setString(i++, (String) p);
      return i;
    }
  }

  /** Id lists are cut into pieces well under SQLite's limit on parameters. */
  private static List<List<QueueId>> chunks(Selection s) {
    if (s.ids().isEmpty()) return List.of(List.of());
    List<List<QueueId>> out = new ArrayList<>();
    for (int i = 0; i < s.ids().size(); i += 500)
      out.add(s.ids().subList(i, Math.min(s.ids().size(), i + 500)));
    return out;
  }

  static int retryNow(GroupCommitWriter.Context c, Selection s, long now) throws SQLException {
    int n = 0;
    for (List<QueueId> ids : chunks(s)) {
      Filter f = Filter.of(s, ids);
      // Recipients in flight keep their lease: making them due would deliver them twice.
      try (PreparedStatement ps =
          c.connection()
              .prepareStatement(
                  "UPDATE recipients SET next_attempt = "
                      + c.dialect().least()
                      + "(next_attempt, ?), updated = ?"
                      + " WHERE "
                      + f.sql()
                      + " AND (lease_until IS NULL OR lease_until <= ?)")) {
        ps.setLong(1, now);
        ps.setLong(2, now);
        int i = f.bind(ps, 3);
        ps.setLong(i, now);
        n += ps.executeUpdate();
      }
    }
    return n;
  }

  static int cancel(GroupCommitWriter.Context c, Selection s, long now) throws SQLException {
    int n = 0;
    for (List<QueueId> ids : chunks(s)) {
      Filter f = Filter.of(s, ids);
      // One statement changes the recipients and says which it changed; their events (and
      // webhook work) follow in the same transaction. A lease stays: the attempt in flight still
      // records what happened (see record()).
      List<Object[]> cancelled = new ArrayList<>();
      try (PreparedStatement ps =
          c.connection()
              .prepareStatement(
                  "UPDATE recipients SET state = 'cancelled', next_attempt = NULL, updated = ?"
                      + " WHERE "
                      + f.sql()
                      + " RETURNING message_id, position")) {
        ps.setLong(1, now);
        f.bind(ps, 2);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) cancelled.add(new Object[] {rs.getString(1), rs.getInt(2)});
        }
      }
      Map<String, String> accounts = new HashMap<>();
      PreparedStatement owner = c.prepare("SELECT account FROM messages WHERE id = ?");
      for (Object[] r : cancelled) {
        String messageId = (String) r[0];
        String account = accounts.get(messageId);
        if (account == null) {
          owner.setString(1, messageId);
          try (ResultSet rs = owner.executeQuery()) {
            account = rs.next() ? rs.getString(1) : "";
          }
          accounts.put(messageId, account);
        }
        event(c, now, account, RecipientState.CANCELLED, messageId, (Integer) r[1]);
      }
      n += cancelled.size();
    }
    return n;
  }

  static List<RecipientDelivery> deliveries(Connection c, QueueId id) throws SQLException {
    Map<Integer, List<AttemptRecord>> attempts = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT position, at, mx, ip, tls, phase, code, enhanced, text, bounce, reason, action,"
                + " tls_verified, tls_policy, tls_problem FROM attempts WHERE message_id = ? ORDER BY position, at, id")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int code = rs.getInt("code");
          Integer boxed = rs.wasNull() ? null : code;
          attempts
              .computeIfAbsent(rs.getInt("position"), k -> new ArrayList<>())
              .add(
                  new AttemptRecord(
                      Instant.ofEpochMilli(rs.getLong("at")),
                      rs.getString("mx"),
                      rs.getString("ip"),
                      rs.getString("tls"),
                      rs.getString("phase"),
                      boxed,
                      rs.getString("enhanced"),
                      rs.getString("text"),
                      rs.getString("bounce"),
                      rs.getString("reason"),
                      rs.getString("action"),
                      rs.getString("tls_verified"),
                      rs.getString("tls_policy"),
                      rs.getString("tls_problem")));
        }
      }
    }
    List<RecipientDelivery> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT position, next_attempt, lease_id, possible_duplicate FROM recipients"
                + " WHERE message_id = ? ORDER BY position")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int pos = rs.getInt("position");
          long next = rs.getLong("next_attempt");
          Instant nextAt = rs.wasNull() ? null : Instant.ofEpochMilli(next);
          out.add(
              new RecipientDelivery(
                  pos,
                  nextAt,
                  rs.getString("lease_id") != null,
                  rs.getInt("possible_duplicate") != 0,
                  attempts.getOrDefault(pos, List.of())));
        }
      }
    }
    return out;
  }

  private static EmailAddress address(String text) {
    int at = text.lastIndexOf('@');
    return new EmailAddress(text.substring(0, at), text.substring(at + 1));
  }

  private static void text(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) ps.setNull(i, Types.VARCHAR);
    else ps.setString(i, v);
  }
}
