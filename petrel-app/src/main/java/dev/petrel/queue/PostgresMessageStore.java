package dev.petrel.queue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on PostgreSQL, shared by any number of nodes: every row the embedded store keeps, and
 * the message bodies too (small ones in {@code bodies} with the message's rows, larger ones in
 * {@code body_chunks}, written while the message arrives and read back one chunk at a time). Writes
 * are grouped as the embedded store groups them ({@link GroupCommitWriter}): the writes waiting
 * when a writer thread is free share one transaction on a pooled connection ({@link
 * PostgresWriter}), so many sessions' messages share one commit (one WAL flush); a few writer
 * threads keep groups in flight at once. The row classes are the embedded store's, in the {@link
 * SqlDialect#POSTGRESQL} dialect.
 *
 * <p>Opened from {@code postgresql://HOST[:PORT]/DATABASE?user=U&password=P}; other query
 * parameters go to the JDBC driver as they are (e.g. {@code sslmode=require}), except {@code pool}
 * (the number of connections, default 10) and {@code writers} (the writer threads, each holding a
 * connection while it commits a group; default 2, fewer than {@code pool}).
 */
public final class PostgresMessageStore extends SqlMessageStore {

  private static final Logger log = LoggerFactory.getLogger(PostgresMessageStore.class);

  /** The scheme of a PostgreSQL store's URL. */
  public static final String SCHEME = "postgresql://";

  static final String MIGRATIONS = "classpath:db/postgresql";

  /** Bodies up to this size go in one row with the message; larger ones in chunks of this size. */
  static final int CHUNK = 256 * 1024;

  /** Chunks older than this without a message are what an interrupted intake left. */
  static final Duration ORPHAN_AGE = Duration.ofDays(1);

  private static final int DEFAULT_POOL = 10;

  private static final int DEFAULT_WRITERS = 2;

  /** The most writes one group (one transaction, one WAL flush) takes. */
  static final int MAX_GROUP = 256;

  private final Target target;
  private final String where;
  private final String node;
  private final HikariDataSource pool;
  private final GroupCommitWriter writer;
  private final Reachability reach;
  private final SqlWriter watched;

  private PostgresMessageStore(
      Target target, String node, InstantSource clock, HikariDataSource pool) {
    super(SqlDialect.POSTGRESQL, clock);
    this.target = target;
    this.where = target.where();
    this.node = node;
    this.pool = pool;
    this.writer =
        new GroupCommitWriter(
            GroupCommitWriter.postgresql(new PostgresWriter(pool)),
            target.writers(),
            MAX_GROUP,
            false);
    this.reach = new Reachability("PostgreSQL at " + where, clock);
    this.watched = new Watched(writer, reach);
  }

  /** The application name this node's connections carry (pg_stat_activity, notifications). */
  static String applicationName(String node) {
    return "petrel:" + node;
  }

  /** Each write tells {@link Reachability} whether the database answered. */
  private record Watched(SqlWriter writer, Reachability reach) implements SqlWriter {
    @Override
    public <T> T call(GroupCommitWriter.Task<T> task, boolean message, String doing)
        throws StorageException {
      long began = reach.begin();
      try {
        T result = writer.call(task, message, doing);
        reach.answered(began);
        return result;
      } catch (StorageException e) {
        reach.failed(began, e);
        throw e;
      }
    }

    @Override
    public StoreStats stats() {
      return writer.stats();
    }
  }

  /**
   * Connects to the database a {@code postgresql://} URL names, brings its schema up to date (one
   * node at a time: Flyway holds an advisory lock while it migrates) and removes body chunks an
   * interrupted intake left long ago.
   *
   * @param node the name this node's leases carry
   * @throws IllegalArgumentException when the URL is malformed
   * @throws StorageException when the database cannot be reached or migrated
   */
  public static PostgresMessageStore open(String url, String node, InstantSource clock)
      throws StorageException {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(clock, "clock");
    Target target = Target.parse(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(target.jdbcUrl());
    if (target.user() != null) config.setUsername(target.user());
    if (target.password() != null) config.setPassword(target.password());
    config.setMaximumPoolSize(target.poolSize());
    config.setMinimumIdle(1);
    config.setPoolName("petrel-store-" + node);
    config.addDataSourceProperty("ApplicationName", applicationName(node));
    config.setConnectionTimeout(10_000);
    // Fails fast when the database is unreachable at start, with the driver's reason.
    config.setInitializationFailTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StorageException(
          "cannot connect to PostgreSQL at " + target.where() + ": " + rootMessage(e), e);
    }
    try {
      migrate(pool, target.where());
      PostgresMessageStore store = new PostgresMessageStore(target, node, clock, pool);
      store.removeOrphanChunks();
      return store;
    } catch (StorageException | RuntimeException e) {
      pool.close();
      if (e instanceof StorageException se) throw se;
      throw new StorageException(
          "opening the PostgreSQL store at " + target.where() + " failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static void migrate(HikariDataSource pool, String where) {
    MigrateResult result =
        Flyway.configure(PostgresMessageStore.class.getClassLoader())
            .loggers(FlywayLogs.class.getName())
            .dataSource(pool)
            .locations(MIGRATIONS)
            .failOnMissingLocations(true)
            .load()
            .migrate();
    if (result.migrationsExecuted > 0)
      log.info(
          "PostgreSQL store at {} migrated to schema version {} ({} migrations applied)",
          where,
          result.targetSchemaVersion,
          result.migrationsExecuted);
  }

  private void removeOrphanChunks() throws StorageException {
    long before = clock().instant().minus(ORPHAN_AGE).toEpochMilli();
    int removed =
        writer.call(
            c -> {
              PreparedStatement ps =
                  c.prepare(
                      "DELETE FROM body_chunks b WHERE b.created < ? AND NOT EXISTS"
                          + " (SELECT 1 FROM messages m WHERE m.id = b.message_id)");
              ps.setLong(1, before);
              return ps.executeUpdate();
            },
            false,
            "removing body chunks of messages never committed");
    if (removed > 0) log.info("removed {} body chunks left by interrupted intakes", removed);
  }

  @Override
  public Spool begin(Envelope envelope) throws StorageException {
    Objects.requireNonNull(envelope, "envelope");
    if (isClosed()) throw new StorageException("the store is closed");
    return new PostgresSpool(this, QueueId.generate(clock().instant()), envelope);
  }

  /** Writes one chunk of a body being received, committed at once (autocommit). */
  void writeChunk(QueueId id, int seq, byte[] data, int length) throws StorageException {
    onConnection(
        "writing the body of message " + id,
        c -> {
          c.setAutoCommit(true);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO body_chunks (message_id, seq, data, created) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id.value());
            ps.setInt(2, seq);
            ps.setBinaryStream(3, new ByteArrayInputStream(data, 0, length), length);
            ps.setLong(4, clock().millis());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Removes the chunks of a message that was not committed; never fails. */
  void discardChunks(QueueId id) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM body_chunks WHERE message_id = ?")) {
        ps.setString(1, id.value());
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      log.warn(
          "cannot remove the body chunks of discarded message {} (a later start does): {}",
          id,
          e.getMessage());
    }
  }

  /** A body stored apart is read in chunks, and needs its size: it is read in the same snapshot. */
  @Override
  BodyLocation locateBody(Connection c, QueueId id) throws SQLException {
    MessageRows.BodyAt at = MessageRows.body(c, id);
    StoredMessage m = at instanceof MessageRows.BodyAt.File ? MessageRows.find(c, id) : null;
    return new BodyLocation(at, m == null ? 0 : m.size());
  }

  @Override
  InputStream openStoredBody(QueueId id, BodyLocation found) {
    return new ChunkStream(id, found.size());
  }

  /**
   * A large body, read one chunk at a time (never the whole body in memory). Each chunk is its own
   * read: should the message be deleted meanwhile, the stream fails rather than end early, so a cut
   * body is never taken for a whole one.
   */
  private final class ChunkStream extends InputStream {
    private final QueueId id;
    private final long size;
    private long served;
    private int next;
    private byte[] chunk = new byte[0];
    private int at;
    private boolean end;

    ChunkStream(QueueId id, long size) {
      this.id = id;
      this.size = size;
    }

    private boolean fill() throws IOException {
      while (!end && at >= chunk.length) {
        int seq = next;
        byte[] data;
        try {
          data =
              PostgresMessageStore.this.read(
                  c -> {
                    try (PreparedStatement ps =
                        c.prepareStatement(
                            "SELECT data FROM body_chunks WHERE message_id = ? AND seq = ?")) {
                      ps.setString(1, id.value());
                      ps.setInt(2, seq);
                      try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                      }
                    }
                  },
                  "reading the body of message " + id);
        } catch (StorageException e) {
          throw new IOException(e.getMessage(), e);
        }
        if (data == null) {
          if (served < size)
            throw new IOException(
                "the body of message "
                    + id
                    + " ends after "
                    + served
                    + " of "
                    + size
                    + " bytes"
                    + " (was the message deleted?)");
          end = true;
        } else {
          chunk = data;
          at = 0;
          next++;
        }
      }
      return at < chunk.length;
    }

    @Override
    public int read() throws IOException {
      if (!fill()) return -1;
      served++;
      return chunk[at++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) return 0;
      if (!fill()) return -1;
      int n = Math.min(len, chunk.length - at);
      System.arraycopy(chunk, at, b, off, n);
      at += n;
      served += n;
      return n;
    }
  }

  @Override
  public boolean delete(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    // The trigger on messages removes the body chunks in the same transaction.
    return writer.call(c -> MessageRows.delete(c, id), false, "deleting message " + id);
  }

  @Override
  SqlWriter writer() {
    return watched;
  }

  /** The group-commit writer itself, unwatched (tests pause it to see groups form). */
  GroupCommitWriter groupWriter() {
    return writer;
  }

  /**
   * The statement that makes a read's transaction one snapshot, read-only. Sent as the
   * transaction's first statement (the driver sends its {@code BEGIN} in the same round trip), so
   * the connection's own settings are never changed and the pool has nothing to set back when it is
   * returned.
   */
  static final String READ_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

  /**
   * A read in one snapshot: a repeatable-read, read-only transaction on a pooled connection, three
   * round trips (begin with {@link #READ_SNAPSHOT}, the query, roll back) plus one per further
   * query.
   */
  @Override
  <T> T read(Read<T> read, String doing) throws StorageException {
    return onConnection(
        doing,
        c -> {
          // No round trip of its own: the driver begins the transaction with the next statement.
          // The pool sets autocommit back when the connection returns, also without a round trip
          // (no transaction is open then).
          c.setAutoCommit(false);
          try {
            try (Statement snapshot = c.createStatement()) {
              snapshot.execute(READ_SNAPSHOT);
            }
            return read.run(c);
          } finally {
            c.rollback();
          }
        });
  }

  /**
   * A read of one statement, on a pooled connection as it is (autocommit): the statement is its own
   * transaction and sees one snapshot, in one round trip.
   */
  @Override
  <T> T readOne(Read<T> read, String doing) throws StorageException {
    return onConnection(doing, read);
  }

  /**
   * Runs {@code work} on a pooled connection and tells the reachability watcher how it went: a
   * failure becomes a {@link StorageException} (an outage when the database cannot be reached).
   */
  private <T> T onConnection(String doing, Read<T> work) throws StorageException {
    long began = reach.begin();
    try (Connection c = pool.getConnection()) {
      T result = work.run(c);
      reach.answered(began);
      return result;
    } catch (SQLException e) {
      StorageException failure = StorageFailures.of(e, doing);
      reach.failed(began, failure);
      throw failure;
    }
  }

  @Override
  public java.util.Optional<java.time.Instant> unreachableSince() {
    return reach.downSince();
  }

  @Override
  public AutoCloseable listenForNewMail(java.util.function.Consumer<String> wake) {
    java.util.Properties login = new java.util.Properties();
    if (target.user() != null) login.setProperty("user", target.user());
    if (target.password() != null) login.setProperty("password", target.password());
    login.setProperty("ApplicationName", applicationName(node) + " (listening)");
    return new PostgresNewMail(target.jdbcUrl(), login, applicationName(node), where, wake);
  }

  @Override
  String node() {
    return node;
  }

  /** Where the database is (host, port and name; never the password). */
  public String where() {
    return where;
  }

  /** Closes the pool; writes in progress finish or fail first (PostgreSQL rolls back the rest). */
  @Override
  public void close() {
    if (!beginClose()) return;
    writer.close();
    pool.close();
  }

  /** What a {@code postgresql://} URL names. */
  record Target(
      String jdbcUrl, String where, String user, String password, int poolSize, int writers) {

    static Target parse(String url) {
      if (!url.startsWith(SCHEME))
        throw new IllegalArgumentException("a PostgreSQL store URL starts with " + SCHEME);
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("malformed store URL: " + e.getMessage());
      }
      if (uri.getHost() == null || uri.getHost().isEmpty())
        throw new IllegalArgumentException("the store URL names no host: " + redact(url));
      String path = uri.getRawPath();
      if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0)
        throw new IllegalArgumentException(
            "the store URL names no database (postgresql://HOST:PORT/DATABASE): " + redact(url));
      String database = decode(path.substring(1));
      Map<String, String> params = new LinkedHashMap<>();
      if (uri.getRawQuery() != null)
        for (String pair : uri.getRawQuery().split("&")) {
          if (pair.isEmpty()) continue;
          int eq = pair.indexOf('=');
          String k = decode(eq < 0 ? pair : pair.substring(0, eq));
          String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
          params.put(k, v);
        }
      String user = params.remove("user");
      String password = params.remove("password");
      int poolSize = DEFAULT_POOL;
      String p = params.remove("pool");
      if (p != null) {
        try {
          poolSize = Integer.parseInt(p);
        } catch (NumberFormatException e) {
          poolSize = 0;
        }
        if (poolSize < 1 || poolSize > 1000)
          throw new IllegalArgumentException(
              "pool must be a number from 1 to 1000, not '" + p + "'");
      }
      int writers = DEFAULT_WRITERS;
      String w = params.remove("writers");
      if (w != null) {
        try {
          writers = Integer.parseInt(w);
        } catch (NumberFormatException e) {
          writers = 0;
        }
        if (writers < 1 || writers >= poolSize)
          throw new IllegalArgumentException(
              "writers must be a number from 1 to pool - 1 ("
                  + (poolSize - 1)
                  + "), not '"
                  + w
                  + "'");
      } else {
        writers = Math.min(writers, Math.max(1, poolSize - 1));
      }
      int port = uri.getPort() < 0 ? 5432 : uri.getPort();
      String host = uri.getHost();
      StringBuilder jdbc =
          new StringBuilder("jdbc:postgresql://")
              .append(host)
              .append(':')
              .append(port)
              .append('/')
              .append(java.net.URLEncoder.encode(database, StandardCharsets.UTF_8));
      char sep = '?';
      for (var e : params.entrySet()) {
        jdbc.append(sep)
            .append(java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        sep = '&';
      }
      return new Target(
          jdbc.toString(), host + ":" + port + "/" + database, user, password, poolSize, writers);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
      return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
  }
}
