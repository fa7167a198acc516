package dev.petrel.queue;

import dev.petrel.model.RecipientState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL of reports that arrive by mail after delivery (see {@link MessageStore#recordReport}).
 * Kept apart from {@link DeliveryRows} because no lease is involved: the report is about mail that
 * already left, and its writer is the listener, not the delivery loop.
 */
final class ReportRows {

  private ReportRows() {}

  /** Returns the state before, or null when the recipient is unknown. */
  static RecipientState record(
      GroupCommitWriter.Context c, String messageId, int position, AttemptRecord a, boolean bounce)
      throws SQLException {
    PreparedStatement check =
        c.prepare(
            "SELECT r.state, m.account FROM recipients r JOIN messages m ON m.id = r.message_id"
                + " WHERE r.message_id = ? AND r.position = ?");
    check.setString(1, messageId);
    check.setInt(2, position);
    RecipientState before;
    String account;
    try (ResultSet rs = check.executeQuery()) {
      if (!rs.next()) return null;
      before = RecipientState.of(rs.getString("state"));
      account = rs.getString("account");
    }
    DeliveryRows.insertAttempt(c, messageId, position, a);
    if (bounce && (before == RecipientState.DELIVERED || !before.isFinal())) {
      PreparedStatement ps =
          c.prepare(
              "UPDATE recipients SET state = 'bounced', next_attempt = NULL, lease_id = NULL,"
                  + " lease_until = NULL, updated = ? WHERE message_id = ? AND position = ?");
      ps.setLong(1, a.at().toEpochMilli());
      ps.setString(2, messageId);
      ps.setInt(3, position);
      ps.executeUpdate();
      DeliveryRows.event(
          c, a.at().toEpochMilli(), account, RecipientState.BOUNCED, messageId, position);
    }
    return before;
  }
}
