package dev.petrel.queue;

import dev.petrel.accounts.LoginStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL for the {@code smtp_logins} and {@code secrets} tables. */
final class LoginRows {

  private LoginRows() {}

  static boolean add(GroupCommitWriter.Context c, LoginStore.Login l) throws SQLException {
    PreparedStatement ps =
        c.prepare(
            "INSERT INTO smtp_logins (name, account, hash, added) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING");
    ps.setString(1, l.user());
    ps.setString(2, l.account());
    ps.setString(3, l.hash());
    ps.setLong(4, l.added().toEpochMilli());
    return ps.executeUpdate() > 0;
  }

  static boolean remove(GroupCommitWriter.Context c, String user, String account)
      throws SQLException {
    PreparedStatement ps =
        c.prepare("DELETE FROM smtp_logins WHERE name = ? AND (? IS NULL OR account = ?)");
    ps.setString(1, user);
    ps.setString(2, account);
    ps.setString(3, account);
    return ps.executeUpdate() > 0;
  }

  static LoginStore.Login find(Connection c, String user) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, account, hash, added FROM smtp_logins WHERE name = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? login(rs) : null;
      }
    }
  }

  static List<LoginStore.Login> list(Connection c, String account) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, account, hash, added FROM smtp_logins WHERE ? IS NULL OR account = ?"
                + " ORDER BY added, name")) {
      ps.setString(1, account);
      ps.setString(2, account);
      List<LoginStore.Login> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(login(rs));
      }
      return out;
    }
  }

  private static LoginStore.Login login(ResultSet rs) throws SQLException {
    return new LoginStore.Login(
        rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
  }

  static byte[] findSecret(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM secrets WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /** Stores the secret unless one of that name exists, then reads the one that is stored. */
  static byte[] secret(GroupCommitWriter.Context c, String name, byte[] proposed)
      throws SQLException {
    PreparedStatement insert =
        c.prepare("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
    insert.setString(1, name);
    insert.setBytes(2, proposed);
    insert.executeUpdate();
    PreparedStatement select = c.prepare("SELECT value FROM secrets WHERE name = ?");
    select.setString(1, name);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) throw new SQLException("secret " + name + " vanished");
      return rs.getBytes(1);
    }
  }
}
