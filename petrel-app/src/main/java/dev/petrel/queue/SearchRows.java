package dev.petrel.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of message searches: the ids of one page of an account's messages, newest first. Uses the
 * (account, created) index and stops when the page is full, so a page of a filter many messages
 * match costs the same with a hundred messages or a hundred thousand. A filter few messages match
 * walks further: subject and metadata filters look at each of the account's messages until the page
 * fills (at 100,000 messages an account, a subject no message has took 35 ms, a metadata value 103
 * ms, the same SQL run by Python's SQLite 3.40 on a loaded 2-core VM); Message-ID and rare tags go
 * by their index.
 */
final class SearchRows {

  private SearchRows() {}

  /** Below this many messages (of all accounts) a tag is looked up from the tag index. */
  static final int RARE_TAG = 5000;

  /** Whether fewer than {@code bound} messages carry the tag (counted in its index). */
  private static boolean rareTag(Connection c, String tag, int bound) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM (SELECT 1 FROM message_tags WHERE tag = ? LIMIT ?) AS t")) {
      ps.setString(1, tag);
      ps.setInt(2, bound);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) < bound;
      }
    }
  }

  static List<StoredMessage> search(Connection c, SqlDialect d, MessageQuery q)
      throws SQLException {
    return search(c, d, q, RARE_TAG);
  }

  /** As {@link #search(Connection, SqlDialect, MessageQuery, int)} in the embedded store. */
  static List<StoredMessage> search(Connection c, MessageQuery q, int rareTag) throws SQLException {
    return search(c, SqlDialect.SQLITE, q, rareTag);
  }

  /** As {@link #search(Connection, SqlDialect, MessageQuery)}, with the rare-tag bound given. */
  static List<StoredMessage> search(Connection c, SqlDialect d, MessageQuery q, int rareTag)
      throws SQLException {
    // A rare tag is found from the tag index: its few messages, then sorted (CROSS JOIN makes
    // SQLite start from the tags). Otherwise the account's messages are walked newest first until
    // a page is full. Either way alone would be slow for the other case: at 100,000 messages an
    // account, walking them for a tag that no message has took 72 ms, and sorting the messages of
    // a tag that half of them carry 164 ms.
    boolean fromTags = q.tag() != null && rareTag(c, q.tag(), rareTag);
    List<Object> args = new ArrayList<>();
    StringBuilder sql;
    if (fromTags) {
      sql =
          new StringBuilder(
              "SELECT m.id FROM message_tags t "
                  + d.tagsFirstJoin()
                  + " messages m ON m.id = t.message_id"
                  + " WHERE t.tag = ? AND m.account = ?");
      args.add(q.tag());
    } else sql = new StringBuilder("SELECT m.id FROM messages m WHERE m.account = ?");
    args.add(q.account());
    if (q.since() != null) {
      sql.append(" AND m.created >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND m.created < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.before() != null) {
      sql.append(" AND (m.created < ? OR (m.created = ? AND m.id < ?))");
      long t = q.before().created().toEpochMilli();
      args.add(t);
      args.add(t);
      args.add(q.before().id());
    }
    if (q.subject() != null) {
      // subject_folded is the Subject summary in lower case (MessageRows.fold); instr, not LIKE,
      // so that % and _ in the search are plain characters.
      sql.append(" AND ").append(d.position("m.subject_folded", "?")).append(" > 0");
      args.add(q.subject());
    }
    if (q.messageId() != null) {
      // Stored as written in the header: normally in angle brackets, but raw mail may lack them.
      sql.append(" AND m.header_message_id IN (?, ?)");
      args.add("<" + q.messageId() + ">");
      args.add(q.messageId());
    }
    if (q.tag() != null && !fromTags) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM message_tags t WHERE t.tag = ? AND t.message_id = m.id)");
      args.add(q.tag());
    }
    for (var e : new java.util.TreeMap<>(q.metadata()).entrySet()) {
      // A value's text: a string's characters, else its JSON text (42, 4.5, true, false).
      sql.append(" AND ").append(d.metadataText(e.getKey(), args)).append(" = ?");
      args.add(e.getValue());
    }
    if (q.filtersRecipients()) {
      // The unary + keeps SQLite on the primary key (message_id) for this per-message check: with
      // the state or domain index it would scan every recipient in that state for each message.
      sql.append(" AND EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id");
      if (q.state() != null) {
        sql.append(" AND ").append(d.withoutIndex("r.state")).append(" = ?");
        args.add(q.state());
      }
      if (q.recipient() != null) {
        sql.append(" AND lower(r.address) = ?");
        args.add(q.recipient());
      }
      if (q.domain() != null) {
        sql.append(" AND ").append(d.withoutIndex("r.domain")).append(" = ?");
        args.add(q.domain());
      }
      if (q.reason() != null) {
        sql.append(
            " AND EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = r.message_id"
                + " AND a.position = r.position AND a.reason = ?)");
        args.add(q.reason());
      }
      sql.append(')');
    }
    sql.append(" ORDER BY m.created DESC, m.id DESC LIMIT ?");
    args.add(q.limit());
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
    }
    List<StoredMessage> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      StoredMessage m = MessageRows.find(c, new dev.petrel.model.QueueId(id));
      if (m != null) out.add(m);
    }
    return out;
  }
}
