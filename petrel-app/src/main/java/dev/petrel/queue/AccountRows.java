package dev.petrel.queue;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.ApiKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of accounts, API keys, monthly usage and events. */
final class AccountRows {

  private AccountRows() {}

  static String month(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
  }

  /**
   * Adds accepted recipients to the month's count; runs inside the message's own insert. Inside a
   * group the addition is written once for the whole group, just before it commits.
   */
  static void countUsage(GroupCommitWriter.Context c, String account, Instant at, int recipients)
      throws SQLException {
    c.countUsage(account, month(at), recipients);
  }

  /** Writes an addition to the month's count (making its row if the month has none). */
  static void addUsage(GroupCommitWriter.Context c, String account, String month, long recipients)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO usage (account, month, recipients) VALUES (?, ?, ?)"
                + " ON CONFLICT (account, month) DO UPDATE SET recipients = usage.recipients + ?");
    ps.setString(1, account);
    ps.setString(2, month);
    ps.setLong(3, recipients);
    ps.setLong(4, recipients);
    ps.executeUpdate();
  }

  static long usage(Connection c, String account, YearMonth month) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT recipients FROM usage WHERE account = ? AND month = ?")) {
      ps.setString(1, account);
      ps.setString(2, month.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  static boolean markWarned(GroupCommitWriter.Context c, String account, YearMonth month)
      throws SQLException {
    PreparedStatement insert =
        c.prepare(
            "INSERT INTO usage (account, month, recipients, warned) VALUES (?, ?, 0, 0)"
                + " ON CONFLICT (account, month) DO NOTHING");
    insert.setString(1, account);
    insert.setString(2, month.toString());
    insert.executeUpdate();
    PreparedStatement ps =
        c.prepare("UPDATE usage SET warned = 1 WHERE account = ? AND month = ? AND warned = 0");
    ps.setString(1, account);
    ps.setString(2, month.toString());
    return ps.executeUpdate() > 0;
  }

  static boolean createAccount(GroupCommitWriter.Context c, Account a) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO accounts (name, plan, created) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING");
    ps.setString(1, a.name());
    ps.setString(2, a.plan());
    ps.setLong(3, a.created().toEpochMilli());
    return ps.executeUpdate() > 0;
  }

  static boolean setPlan(GroupCommitWriter.Context c, String account, String plan)
      throws SQLException {
    PreparedStatement ps = c.prepare("UPDATE accounts SET plan = ? WHERE name = ?");
    ps.setString(1, plan);
    ps.setString(2, account);
    return ps.executeUpdate() > 0;
  }

  static Account findAccount(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, plan, created FROM accounts WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? account(rs) : null;
      }
    }
  }

  static List<Account> accounts(Connection c) throws SQLException {
    List<Account> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT name, plan, created FROM accounts ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(account(rs));
    }
    return out;
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(
        rs.getString("name"), rs.getString("plan"), Instant.ofEpochMilli(rs.getLong("created")));
  }

  /** Stores a key; false when that hash is already stored (for any account). */
  static boolean insertKey(
      GroupCommitWriter.Context c, String id, String account, String hash, Instant now)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO api_keys (id, account, hash, created) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING");
    ps.setString(1, id);
    ps.setString(2, account);
    ps.setString(3, hash);
    ps.setLong(4, now.toEpochMilli());
    return ps.executeUpdate() > 0;
  }

  /** The account and id of a stored hash, or null. */
  static String[] keyByHash(Connection c, String hash) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id, account, revoked FROM api_keys WHERE hash = ?")) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        rs.getLong("revoked");
        boolean revoked = !rs.wasNull();
        return new String[] {rs.getString("id"), rs.getString("account"), revoked ? "1" : "0"};
      }
    }
  }

  static List<ApiKey> keys(Connection c, String account) throws SQLException {
    List<ApiKey> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, account, created, revoked FROM api_keys WHERE account = ?"
                + " ORDER BY created, id")) {
      ps.setString(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long revoked = rs.getLong("revoked");
          boolean none = rs.wasNull();
          out.add(
              new ApiKey(
                  rs.getString("id"),
                  rs.getString("account"),
                  Instant.ofEpochMilli(rs.getLong("created")),
                  none ? null : Instant.ofEpochMilli(revoked)));
        }
      }
    }
    return out;
  }

  static boolean revokeKey(GroupCommitWriter.Context c, String account, String id, Instant now)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "UPDATE api_keys SET revoked = ? WHERE account = ? AND id = ? AND revoked IS NULL");
    ps.setLong(1, now.toEpochMilli());
    ps.setString(2, account);
    ps.setString(3, id);
    return ps.executeUpdate() > 0;
  }

  static void addEvent(
      GroupCommitWriter.Context c,
      Instant at,
      String account,
      String type,
      String messageId,
      String data)
      throws SQLException {
    WebhookRows.recordEvent(c, at.toEpochMilli(), account, type, messageId, null, data);
  }

  static AccountStore.IdempotentAnswer idempotent(
      Connection c, String account, String key, Instant notBefore) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT fingerprint, status, response FROM idempotency"
                + " WHERE account = ? AND key = ? AND created >= ?")) {
      ps.setString(1, account);
      ps.setString(2, key);
      ps.setLong(3, notBefore.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new AccountStore.IdempotentAnswer(rs.getString(1), rs.getInt(2), rs.getString(3))
            : null;
      }
    }
  }

  static void saveIdempotent(
      GroupCommitWriter.Context c,
      String account,
      String key,
      AccountStore.IdempotentAnswer a,
      Instant now)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO idempotency (account, key, fingerprint, status, response, created)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, key) DO UPDATE SET"
                + " fingerprint = excluded.fingerprint, status = excluded.status,"
                + " response = excluded.response, created = excluded.created"
                + " WHERE idempotency.created < ? OR idempotency.status = 0");
    ps.setString(1, account);
    ps.setString(2, key);
    ps.setString(3, a.fingerprint());
    ps.setInt(4, a.status());
    ps.setString(5, a.response());
    ps.setLong(6, now.toEpochMilli());
    ps.setLong(7, now.minus(AccountStore.IDEMPOTENCY_RETENTION).toEpochMilli());
    ps.executeUpdate();
  }

  /** See {@link AccountStore#reserveIdempotent}: true when this caller took the key. */
  static boolean reserveIdempotent(
      GroupCommitWriter.Context c, String account, String key, String fingerprint, Instant now)
      throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO idempotency (account, key, fingerprint, status, response, created)"
                + " VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (account, key) DO UPDATE SET"
                + " fingerprint = excluded.fingerprint, status = 0, response = '',"
                + " created = excluded.created WHERE idempotency.created < ?");
    ps.setString(1, account);
    ps.setString(2, key);
    ps.setString(3, fingerprint);
    ps.setLong(4, now.toEpochMilli());
    ps.setLong(5, now.minus(AccountStore.IDEMPOTENCY_RETENTION).toEpochMilli());
    return ps.executeUpdate() == 1;
  }

  static Void releaseIdempotent(GroupCommitWriter.Context c, String account, String key)
      throws SQLException {
    PreparedStatement ps =
        c.prepare("DELETE FROM idempotency WHERE account = ? AND key = ? AND status = 0");
    ps.setString(1, account);
    ps.setString(2, key);
    ps.executeUpdate();
    return null;
  }
}
