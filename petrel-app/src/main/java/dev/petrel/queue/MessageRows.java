package dev.petrel.queue;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.StoredMessage.StoredRecipient;
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

/** The SQL that writes a message's rows and reads them back as {@link StoredMessage}s. */
final class MessageRows {

  private MessageRows() {}

  /**
   * What one committed message adds to the database.
   *
   * @param inlineBody the body when it is kept in the database, or null when it is a file
   */
  record NewMessage(
      QueueId id,
      Envelope envelope,
      long size,
      Instant created,
      Map<String, String> headers,
      byte[] inlineBody,
      List<String> tags,
      String metadata) {}

  private static final String INSERT_MESSAGE =
      "INSERT INTO messages (id, account, sender, size, created, held, auth_user, client_address,"
          + " helo_name, body_type, smtputf8, dsn_ret, dsn_envid, header_subject, header_from,"
          + " header_to, header_message_id, header_date, source, metadata, subject_folded)"
          + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String INSERT_TAG =
      "INSERT INTO message_tags (message_id, position, tag) VALUES (?, ?, ?)";

  private static final String INSERT_RECIPIENT =
      "INSERT INTO recipients (message_id, position, address, domain, state, next_attempt,"
          + " attempts, dsn_notify, dsn_orcpt, updated) VALUES (?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?)";

  private static final String MESSAGE_COLUMNS =
      "SELECT id, account, sender, size, created, held, auth_user, client_address, helo_name,"
          + " body_type, smtputf8, dsn_ret, dsn_envid, header_subject, header_from, header_to,"
          + " header_message_id, header_date, source, metadata FROM messages";

  private static final String RECIPIENT_COLUMNS =
      "SELECT message_id, address, state, dsn_notify, dsn_orcpt, updated FROM recipients";

  /**
   * PostgreSQL's insert of a message, its recipients and (when kept in the database) its body, in
   * one statement and one round trip: the recipients' columns come as arrays, one element per
   * recipient in order. The foreign keys are checked at the statement's end, when the message's row
   * is there.
   */
  private static final String INSERT_RECIPIENTS_FROM_ARRAYS =
      "INSERT INTO recipients (message_id, position, address, domain, state, next_attempt,"
          + " attempts, dsn_notify, dsn_orcpt, updated)"
          + " SELECT ?, (t.pos - 1)::integer, t.address, t.domain, 'queued', ?, 0, t.notify,"
          + " t.orcpt, ? FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])"
          + " WITH ORDINALITY AS t(address, domain, notify, orcpt, pos)";

  private static final String PG_INSERT_WITH_BODY =
      "WITH m AS ("
          + INSERT_MESSAGE
          + "), r AS ("
          + INSERT_RECIPIENTS_FROM_ARRAYS
          + ") INSERT INTO bodies (message_id, data) VALUES (?, ?)";

  private static final String PG_INSERT_WITHOUT_BODY =
      "WITH m AS (" + INSERT_MESSAGE + ") " + INSERT_RECIPIENTS_FROM_ARRAYS;

  /** Runs on the writer thread. Recipients are due at once: delivery picks them up next. */
  static Void insert(GroupCommitWriter.Context c, NewMessage m) throws SQLException {
    if (c.dialect() == SqlDialect.POSTGRESQL) {
      insertPostgres(c, m);
      return null;
    }
    Envelope e = m.envelope();
    long created = m.created().toEpochMilli();
    PreparedStatement ps = c.prepare(INSERT_MESSAGE);
    bindMessage(ps, 1, m);
    ps.executeUpdate();
    insertTags(c, m);
    AccountRows.countUsage(c, e.account(), m.created(), e.recipients().size());

    PreparedStatement rs = c.prepare(INSERT_RECIPIENT);
    List<Recipient> recipients = e.recipients();
    for (int pos = 0; pos < recipients.size(); pos++) {
      Recipient r = recipients.get(pos);
      rs.setString(1, m.id().value());
      rs.setInt(2, pos);
      rs.setString(3, r.address().toString());
      rs.setString(4, r.address().domain());
      rs.setLong(5, created);
      setNullable(rs, 6, r.dsnNotify());
      setNullable(rs, 7, r.dsnOrcpt());
      rs.setLong(8, created);
      rs.addBatch();
    }
    rs.executeBatch();

    if (m.inlineBody() != null) {
      PreparedStatement bs = c.prepare("INSERT INTO bodies (message_id, data) VALUES (?, ?)");
      bs.setString(1, m.id().value());
      bs.setBytes(2, m.inlineBody());
      bs.executeUpdate();
    }
    return null;
  }

  /**
   * The same rows as {@link #insert} on PostgreSQL, the message, recipients and body in one
   * statement ({@link #PG_INSERT_WITH_BODY}).
   */
  private static void insertPostgres(GroupCommitWriter.Context c, NewMessage m)
      throws SQLException {
    Envelope e = m.envelope();
    long created = m.created().toEpochMilli();
    boolean inline = m.inlineBody() != null;
    PreparedStatement ps = c.prepare(inline ? PG_INSERT_WITH_BODY : PG_INSERT_WITHOUT_BODY);
    int i = bindMessage(ps, 1, m);
    List<Recipient> recipients = e.recipients();
    int n = recipients.size();
    String[] addresses = new String[n];
    String[] domains = new String[n];
    String[] notify = new String[n];
    String[] orcpt = new String[n];
    for (int k = 0; k < n; k++) {
      Recipient r = recipients.get(k);
      addresses[k] = r.address().toString();
      domains[k] = r.address().domain();
      notify[k] = r.dsnNotify();
      orcpt[k] = r.dsnOrcpt();
    }
    Connection conn = c.connection();
    ps.setString(i++, m.id().value());
    ps.setLong(i++, created);
    ps.setLong(i++, created);
    ps.setArray(i++, conn.createArrayOf("text", addresses));
    ps.setArray(i++, conn.createArrayOf("text", domains));
    ps.setArray(i++, conn.createArrayOf("text", notify));
    ps.setArray(i++, conn.createArrayOf("text", orcpt));
    if (inline) {
      ps.setString(i++, m.id().value());
      ps.setBytes(i, m.inlineBody());
    }
    ps.executeUpdate();
    insertTags(c, m);
    AccountRows.countUsage(c, e.account(), m.created(), n);
    // Other nodes on the database hear of it as this commits (PostgresNewMail); several messages
    // in one group send one notification, at the group's end.
    c.newMail();
  }

  /** Binds the values of {@link #INSERT_MESSAGE} from {@code i} on; returns the next index. */
  private static int bindMessage(PreparedStatement ps, int i, NewMessage m) throws SQLException {
    Envelope e = m.envelope();
    long created = m.created().toEpochMilli();
    ps.setString(i++, m.id().value());
    ps.setString(i++, e.account());
    setNullable(ps, i++, e.sender() == null ? null : e.sender().toString());
    ps.setLong(i++, m.size());
    ps.setLong(i++, created);
    setNullable(ps, i++, e.authUser());
    setNullable(ps, i++, e.clientAddress());
    setNullable(ps, i++, e.heloName());
    ps.setString(i++, e.body());
    ps.setInt(i++, e.smtputf8() ? 1 : 0);
    setNullable(ps, i++, e.dsnRet());
    setNullable(ps, i++, e.dsnEnvid());
    for (String name : HeaderSummary.NAMES) setNullable(ps, i++, m.headers().get(name));
    ps.setString(i++, e.source());
    setNullable(ps, i++, m.metadata());
    String subject = m.headers().get("Subject");
    setNullable(ps, i++, subject == null ? null : fold(subject));
    return i;
  }

  private static void insertTags(GroupCommitWriter.Context c, NewMessage m) throws SQLException {
    if (!m.tags().isEmpty()) {
      PreparedStatement ts = c.prepare(INSERT_TAG);
      for (int pos = 0; pos < m.tags().size(); pos++) {
        ts.setString(1, m.id().value());
        ts.setInt(2, pos);
        ts.setString(3, m.tags().get(pos));
        ts.addBatch();
      }
      ts.executeBatch();
    }
  }

  /**
   * Inserts the message, only if its account's count of recipients this month, with the message's,
   * stays within {@code monthlyLimit} (negative: no limit). The count is read and checked before
   * anything is written: on PostgreSQL under the lock of the month's count row ({@code SELECT ...
   * FOR UPDATE}, the row made first if the month has none), held until the transaction ends, so
   * concurrent messages of one account from any number of nodes are checked and counted one after
   * the other; on the embedded store its single writer does the same. Over the limit the task
   * refuses before it wrote the message.
   */
  static Void insertWithin(GroupCommitWriter.Context c, NewMessage m, long monthlyLimit)
      throws SQLException {
    if (monthlyLimit >= 0) {
      String account = m.envelope().account();
      long used = lockedUsage(c, account, AccountRows.month(m.created()));
      if (used + m.envelope().recipients().size() > monthlyLimit)
        throw new GroupCommitWriter.Refused(
            new QuotaExceededException(account, used, monthlyLimit));
    }
    insert(c, m);
    return null;
  }

  /** The month's count of the account, its row locked until the transaction ends (PostgreSQL). */
  private static long lockedUsage(GroupCommitWriter.Context c, String account, String month)
      throws SQLException {
    String select = "SELECT recipients FROM usage WHERE account = ? AND month = ?";
    if (c.dialect() == SqlDialect.POSTGRESQL) {
      PreparedStatement make =
          c.prepare(
              "INSERT INTO usage (account, month, recipients) VALUES (?, ?, 0)"
                  + " ON CONFLICT (account, month) DO NOTHING");
      make.setString(1, account);
      make.setString(2, month);
      make.executeUpdate();
      select += " FOR UPDATE";
    }
    PreparedStatement ps = c.prepare(select);
    ps.setString(1, account);
    ps.setString(2, month);
    try (ResultSet rs = ps.executeQuery()) {
      // with what this group counted so far and writes at its end
      return (rs.next() ? rs.getLong(1) : 0) + c.pendingUsage(account, month);
    }
  }

  /** Where a message's body is. */
  sealed interface BodyAt {
    /** No such message. */
    record Unknown() implements BodyAt {}

    /** Kept in the database. */
    record Inline(byte[] data) implements BodyAt {}

    /** A file under spool/. */
    record File() implements BodyAt {}
  }

  static BodyAt body(Connection c, QueueId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT b.data FROM messages m LEFT JOIN bodies b ON b.message_id = m.id"
                + " WHERE m.id = ?")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return new BodyAt.Unknown();
        byte[] data = rs.getBytes(1);
        return data == null ? new BodyAt.File() : new BodyAt.Inline(data);
      }
    }
  }

  static boolean setHeld(GroupCommitWriter.Context c, QueueId id, boolean held)
      throws SQLException {
    PreparedStatement ps = c.prepare("UPDATE messages SET held = ? WHERE id = ?");
    ps.setInt(1, held ? 1 : 0);
    ps.setString(2, id.value());
    return ps.executeUpdate() > 0;
  }

  /** Deletes the message; its recipients and attempts go with it (foreign keys cascade). */
  static boolean delete(GroupCommitWriter.Context c, QueueId id) throws SQLException {
    PreparedStatement ps = c.prepare("DELETE FROM messages WHERE id = ?");
    ps.setString(1, id.value());
    return ps.executeUpdate() > 0;
  }

  static boolean exists(Connection c, QueueId id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM messages WHERE id = ?")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static StoredMessage find(Connection c, QueueId id) throws SQLException {
    StoredMessage message = null;
    try (PreparedStatement ps = c.prepareStatement(MESSAGE_COLUMNS + " WHERE id = ?")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) message = message(rs, List.of());
      }
    }
    if (message == null) return null;
    List<StoredRecipient> recipients = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(RECIPIENT_COLUMNS + " WHERE message_id = ? ORDER BY position")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) recipients.add(recipient(rs));
      }
    }
    return withRecipients(message, recipients, tags(c, id));
  }

  private static List<String> tags(Connection c, QueueId id) throws SQLException {
    List<String> tags = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT tag FROM message_tags WHERE message_id = ? ORDER BY position")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) tags.add(rs.getString(1));
      }
    }
    return tags;
  }

  /**
   * A subject as subject searches compare it: lower case in every script (so a search for {@code
   * ÜBER} finds {@code über}).
   */
  static String fold(String text) {
    return text.toLowerCase(java.util.Locale.ROOT);
  }

  static List<StoredMessage> list(Connection c, SqlDialect d, int limit) throws SQLException {
    String order = " ORDER BY created, " + d.insertionOrder() + " LIMIT ?";
    Map<String, StoredMessage> messages = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(MESSAGE_COLUMNS + order)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StoredMessage m = message(rs, List.of());
          messages.put(m.id().value(), m);
        }
      }
    }
    Map<String, List<StoredRecipient>> recipients = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            RECIPIENT_COLUMNS
                + " WHERE message_id IN (SELECT id FROM messages"
                + order
                + ")"
                + " ORDER BY message_id, position")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          recipients
              .computeIfAbsent(rs.getString("message_id"), k -> new ArrayList<>())
              .add(recipient(rs));
      }
    }
    Map<String, List<String>> tags = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT message_id, tag FROM message_tags WHERE message_id IN"
                + " (SELECT id FROM messages"
                + order
                + ")"
                + " ORDER BY message_id, position")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          tags.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    List<StoredMessage> out = new ArrayList<>(messages.size());
    for (StoredMessage m : messages.values())
      out.add(
          withRecipients(
              m,
              recipients.getOrDefault(m.id().value(), List.of()),
              tags.getOrDefault(m.id().value(), List.of())));
    return out;
  }

  private static StoredMessage message(ResultSet rs, List<StoredRecipient> recipients)
      throws SQLException {
    Map<String, String> headers = new LinkedHashMap<>();
    String[] columns = {
      "header_subject", "header_from", "header_to", "header_message_id", "header_date"
    };
    for (int i = 0; i < columns.length; i++) {
      String v = rs.getString(columns[i]);
      if (v != null) headers.put(HeaderSummary.NAMES.get(i), v);
    }
    String sender = rs.getString("sender");
    return new StoredMessage(
        new QueueId(rs.getString("id")),
        sender == null ? null : address(sender),
        rs.getLong("size"),
        Instant.ofEpochMilli(rs.getLong("created")),
        rs.getInt("held") != 0,
        rs.getString("account"),
        rs.getString("auth_user"),
        rs.getString("client_address"),
        rs.getString("helo_name"),
        rs.getString("body_type"),
        rs.getInt("smtputf8") != 0,
        rs.getString("dsn_ret"),
        rs.getString("dsn_envid"),
        java.util.Collections.unmodifiableMap(headers),
        recipients,
        rs.getString("source"),
        List.of(),
        rs.getString("metadata"));
  }

  private static StoredMessage withRecipients(
      StoredMessage m, List<StoredRecipient> recipients, List<String> tags) {
    return new StoredMessage(
        m.id(),
        m.sender(),
        m.size(),
        m.created(),
        m.held(),
        m.account(),
        m.authUser(),
        m.clientAddress(),
        m.heloName(),
        m.body(),
        m.smtputf8(),
        m.dsnRet(),
        m.dsnEnvid(),
        m.headers(),
        List.copyOf(recipients),
        m.source(),
        tags,
        m.metadata());
  }

  private static StoredRecipient recipient(ResultSet rs) throws SQLException {
    return new StoredRecipient(
        address(rs.getString("address")),
        RecipientState.of(rs.getString("state")),
        rs.getString("dsn_notify"),
        rs.getString("dsn_orcpt"),
        Instant.ofEpochMilli(rs.getLong("updated")));
  }

  /** Addresses were validated when accepted; split at the last '@' without re-validating. */
  private static EmailAddress address(String text) {
    int at = text.lastIndexOf('@');
    return new EmailAddress(text.substring(0, at), text.substring(at + 1));
  }

  private static void setNullable(PreparedStatement ps, int index, String value)
      throws SQLException {
    if (value == null) ps.setNull(index, Types.VARCHAR);
    else ps.setString(index, value);
  }
}
