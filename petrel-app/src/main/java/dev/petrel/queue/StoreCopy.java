package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copies an embedded store into an empty PostgreSQL store: every row of every table the two schemas
 * share (messages, recipients, attempts, events, suppressions, accounts and keys, usage, sender
 * domains, webhooks and their outbox and log, statistics, logins, secrets, tags, ...), ids and
 * times unchanged, and each body kept as a file in the data folder as {@code body_chunks} rows.
 *
 * <p>The source is read in one snapshot; the target is written in one transaction, which first
 * locks every table and checks that none holds a row: either everything is copied or nothing is.
 * The tables come from the target's schema, in the order its foreign keys need, so a table added to
 * both schemas later is copied without a change here; a table or column the source has and the
 * target lacks stops the copy (the two Petrel versions differ).
 */
public final class StoreCopy {

  /** Rows written per batch of inserts. */
  private static final int BATCH = 500;

  /** Tables neither copied as rows nor checked: the migration history of each database. */
  private static final Set<String> OWN = Set.of("flyway_schema_history");

  /** The target's table of large bodies, filled from the source's body files. */
  private static final String CHUNKS = "body_chunks";

  /** What was copied: rows per table (in the order written), and the bodies moved from files. */
  public record Copied(Map<String, Long> rows, long bodyFiles, long bodyFileBytes) {
    public long rows(String table) {
      return rows.getOrDefault(table, 0L);
    }
  }

  /** The target already holds rows: a copy would mix two installations. */
  public static final class TargetNotEmptyException extends StorageException {
    TargetNotEmptyException(String message) {
      super(message);
    }
  }

  private StoreCopy() {}

  /**
   * Copies {@code from} into {@code to}.
   *
   * @throws TargetNotEmptyException when any table of the target holds a row (nothing is written)
   * @throws StorageException when either database fails, the schemas differ, or a body file is
   *     missing (nothing is written)
   */
  public static Copied copy(SqliteMessageStore from, PostgresMessageStore to)
      throws StorageException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    try {
      return from.read(
          source -> {
            try {
              return to.writer()
                  .call(
                      target -> copy(source, target.connection(), from),
                      false,
                      "copying the store");
            } catch (StorageException e) {
              throw new Failed(e);
            }
          },
          "reading the embedded store");
    } catch (StorageException e) {
      // the innermost answer is the one that says what went wrong
      StorageException answer = e;
      for (Throwable t = e; t != null; t = t.getCause())
        if (t instanceof Failed f) answer = f.failure;
      throw answer;
    }
  }

  /** Carries a store answer through a callback that may throw only SQL exceptions. */
  private static final class Failed extends SQLException {
    final transient StorageException failure;

    Failed(StorageException failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }
  }

  private static Copied copy(Connection source, Connection target, SqliteMessageStore from)
      throws SQLException {
    Map<String, Map<String, String>> targetColumns = targetColumns(target);
    List<String> order = writeOrder(target, targetColumns.keySet());
    lockAndCheckEmpty(target, order);
    Map<String, List<String>> sourceColumns = sourceColumns(source);
    for (var e : sourceColumns.entrySet()) {
      Map<String, String> have = targetColumns.get(e.getKey());
      if (have == null)
        throw new SQLException(
            "the PostgreSQL store has no table "
                + e.getKey()
                + " that the embedded store has: are both opened by the same Petrel version?");
      for (String column : e.getValue())
        if (!have.containsKey(column))
          throw new SQLException(
              "the PostgreSQL store's table "
                  + e.getKey()
                  + " has no column "
                  + column
                  + ": are both opened by the same Petrel version?");
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : order) {
      if (table.equals(CHUNKS) || !sourceColumns.containsKey(table)) continue;
      rows.put(
          table,
          copyTable(source, target, table, sourceColumns.get(table), targetColumns.get(table)));
    }
    long[] files = copyBodyFiles(source, target, from);
    resetIdentities(target, targetColumns);
    return new Copied(Collections.unmodifiableMap(rows), files[0], files[1]);
  }

  /** Table name to (column name to data type), of the target's base tables. */
  private static Map<String, Map<String, String>> targetColumns(Connection c) throws SQLException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_identity"
                + " FROM information_schema.columns c JOIN information_schema.tables t"
                + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                + " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                + " ORDER BY c.table_name, c.ordinal_position")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String table = rs.getString(1);
          if (OWN.contains(table)) continue;
          String type = rs.getString(3);
          if ("YES".equals(rs.getString(4))) type = type + " identity";
          out.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(rs.getString(2), type);
        }
      }
    }
    return out;
  }

  /** The target's tables, each after the tables its foreign keys point to. */
  private static List<String> writeOrder(Connection c, Set<String> tables) throws SQLException {
    Map<String, Set<String>> needs = new HashMap<>();
    for (String t : tables) needs.put(t, new TreeSet<>());
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT cl.relname, ref.relname FROM pg_constraint k"
                    + " JOIN pg_class cl ON cl.oid = k.conrelid"
                    + " JOIN pg_class ref ON ref.oid = k.confrelid"
                    + " WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace")) {
      while (rs.next()) {
        String table = rs.getString(1);
        String referenced = rs.getString(2);
        if (needs.containsKey(table) && !table.equals(referenced)) needs.get(table).add(referenced);
      }
    }
    List<String> order = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    Set<String> left = new TreeSet<>(tables);
    while (!left.isEmpty()) {
      String next = null;
      for (String t : left)
        if (placed.containsAll(needs.get(t))) {
          next = t;
          break;
        }
      if (next == null)
        throw new SQLException("the foreign keys of tables " + left + " form a loop");
      order.add(next);
      placed.add(next);
      left.remove(next);
    }
    return order;
  }

  private static void lockAndCheckEmpty(Connection c, List<String> tables) throws SQLException {
    try (Statement s = c.createStatement()) {
      // Nothing else may write while the copy checks and fills the tables.
      s.execute("LOCK TABLE " + String.join(", ", tables) + " IN EXCLUSIVE MODE");
      List<String> used = new ArrayList<>();
      for (String t : tables)
        try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + t + ")")) {
          rs.next();
          if (rs.getBoolean(1)) used.add(t);
        }
      if (!used.isEmpty())
        throw new Failed(
            new TargetNotEmptyException(
                "the PostgreSQL store is not empty (tables "
                    + String.join(", ", used)
                    + " hold rows): copy only into a new, empty database"));
    }
  }

  /** Table name to its columns, of the source's tables. */
  private static Map<String, List<String>> sourceColumns(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    + " ORDER BY name")) {
      while (rs.next()) if (!OWN.contains(rs.getString(1))) tables.add(rs.getString(1));
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String t : tables) {
      List<String> columns = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + t + "\")")) {
        while (rs.next()) columns.add(rs.getString("name"));
      }
      out.put(t, columns);
    }
    return out;
  }

  private static long copyTable(
      Connection source,
      Connection target,
      String table,
      List<String> columns,
      Map<String, String> types)
      throws SQLException {
    String list = String.join(", ", columns);
    String marks = String.join(", ", Collections.nCopies(columns.size(), "?"));
    String[] type = new String[columns.size()];
    for (int i = 0; i < type.length; i++) type[i] = types.get(columns.get(i));
    long n = 0;
    try (Statement read = source.createStatement();
        ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + table);
        PreparedStatement write =
            target.prepareStatement(
                "INSERT INTO " + table + " (" + list + ") VALUES (" + marks + ")")) {
      while (rs.next()) {
        for (int i = 0; i < type.length; i++) bind(write, i + 1, rs, i + 1, type[i]);
        write.addBatch();
        if (++n % BATCH == 0) write.executeBatch();
      }
      if (n % BATCH != 0) write.executeBatch();
    }
    return n;
  }

  /** One value, read the way SQLite holds it and written as the PostgreSQL column's type. */
  private static void bind(PreparedStatement ps, int to, ResultSet rs, int from, String type)
      throws SQLException {
    String base = type.endsWith(" identity") ? type.substring(0, type.indexOf(' ')) : type;
    switch (base) {
      case "bigint", "integer", "smallint" -> {
        long v = rs.getLong(from);
        if (rs.wasNull()) ps.setNull(to, Types.BIGINT);
        else if (base.equals("bigint")) ps.setLong(to, v);
        else ps.setInt(to, Math.toIntExact(v));
      }
      case "bytea" -> {
        byte[] v = rs.getBytes(from);
        if (v == null) ps.setNull(to, Types.BINARY);
        else ps.setBytes(to, v);
      }
      case "boolean" -> {
        long v = rs.getLong(from);
        if (rs.wasNull()) ps.setNull(to, Types.BOOLEAN);
        else ps.setBoolean(to, v != 0);
      }
      case "double precision", "real", "numeric" -> {
        double v = rs.getDouble(from);
        if (rs.wasNull()) ps.setNull(to, Types.DOUBLE);
        else ps.setDouble(to, v);
      }
      default -> {
        String v = rs.getString(from);
        if (v == null) ps.setNull(to, Types.VARCHAR);
        else ps.setString(to, v);
      }
    }
  }

  /** The bodies kept as files (no {@code bodies} row), as chunk rows; returns files and bytes. */
  private static long[] copyBodyFiles(Connection source, Connection target, SqliteMessageStore from)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    Map<String, Long> created = new HashMap<>();
    try (Statement s = source.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT m.id, m.created FROM messages m WHERE NOT EXISTS"
                    + " (SELECT 1 FROM bodies b WHERE b.message_id = m.id) ORDER BY m.id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
        created.put(rs.getString(1), rs.getLong(2));
      }
    }
    long bytes = 0;
    byte[] buffer = new byte[PostgresMessageStore.CHUNK];
    try (PreparedStatement ps =
        target.prepareStatement(
            "INSERT INTO body_chunks (message_id, seq, data, created) VALUES (?, ?, ?, ?)")) {
      for (String id : ids) {
        try (InputStream in = from.bodies().open(QueueId.parse(id))) {
          int seq = 0;
          while (true) {
            int filled = in.readNBytes(buffer, 0, buffer.length);
            if (filled == 0) break;
            ps.setString(1, id);
            ps.setInt(2, seq++);
            ps.setBytes(
                3, filled == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, filled));
            ps.setLong(4, created.get(id));
            ps.executeUpdate();
            bytes += filled;
            if (filled < buffer.length) break;
          }
        } catch (IOException e) {
          throw new UncheckedIOException(
              new IOException("reading the body file of message " + id + ": " + e.getMessage(), e));
        }
      }
    }
    return new long[] {ids.size(), bytes};
  }

  /** Identity columns were written with the source's ids: new rows continue after the highest. */
  private static void resetIdentities(Connection c, Map<String, Map<String, String>> tables)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      for (var t : tables.entrySet())
        for (var col : t.getValue().entrySet())
          if (col.getValue().endsWith(" identity"))
            try (ResultSet rs =
                s.executeQuery(
                    "SELECT setval(pg_get_serial_sequence('"
                        + t.getKey()
                        + "', '"
                        + col.getKey()
                        + "'), COALESCE(MAX("
                        + col.getKey()
                        + "), 0) + 1, false) FROM "
                        + t.getKey())) {
              rs.next();
            }
    }
  }
}
