package dev.petrel.queue;

import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: a data folder holding {@code petrel.db} (SQLite in WAL mode, schema by Flyway
 * migrations from {@code db/sqlite}) and {@code spool/} (one file per message body).
 *
 * <p>Accepting: {@link #begin} opens a temporary body file; {@link Spool#commit()} fsyncs and
 * renames it, then queues the rows with the single writer thread, which commits everything waiting
 * in one transaction (one WAL fsync for many sessions). A crash before the row is committed leaves
 * only files without rows, removed by the next start that owns the folder.
 *
 * <p>{@code serve} opens the store after taking the {@link DataDirLock}; the {@code queue} commands
 * open it without the lock, concurrently with a running server.
 */
public final class SqliteMessageStore extends SqlMessageStore {

  private static final Logger log = LoggerFactory.getLogger(SqliteMessageStore.class);

  public static final String DATABASE_FILE = "petrel.db";
  public static final String SPOOL_FOLDER = "spool";

  /** Where this dialect's migrations live; a PostgreSQL store gets its own folder. */
  static final String MIGRATIONS = "classpath:db/sqlite";

  /** How much room the disk has now, in bytes; replaceable so tests can fake a full disk. */
  @FunctionalInterface
  interface FreeSpace {
    long usableBytes() throws IOException;
  }

  /** Stores open in this process per data folder: only the first may clean up files. */
  private static final Map<Path, Integer> OPEN = new ConcurrentHashMap<>();

  private final Path dataDir;
  private final Path realDir;
  private final SqliteStoreOptions options;
  private final FreeSpace freeSpace;
  private final BodyStore bodies;
  private final SqliteConnections connections;
  private final GroupCommitWriter writer;
  private final BufferPool buffers = new BufferPool(64);

  private SqliteMessageStore(
      Path dataDir,
      Path realDir,
      SqliteStoreOptions options,
      InstantSource clock,
      FreeSpace freeSpace,
      BodyStore bodies,
      SqliteConnections connections,
      GroupCommitWriter writer) {
    super(SqlDialect.SQLITE, clock);
    this.dataDir = dataDir;
    this.realDir = realDir;
    this.options = options;
    this.freeSpace = freeSpace;
    this.bodies = bodies;
    this.connections = connections;
    this.writer = writer;
  }

  /**
   * Opens the store in {@code dataDir}: creates the folder when allowed and missing, brings the
   * schema up to date, and, when no other process can be writing there, removes what a crash left
   * behind (bodies that were never committed).
   *
   * @throws StorageException when the folder is missing (and may not be created), unreadable, or
   *     the database cannot be opened or migrated
   */
  public static SqliteMessageStore open(
      Path dataDir, SqliteStoreOptions options, InstantSource clock) throws StorageException {
    Objects.requireNonNull(dataDir, "dataDir");
    FreeSpace disk = fileStoreSpace(dataDir);
    return open(dataDir, options, clock, disk);
  }

  static SqliteMessageStore open(
      Path dataDir, SqliteStoreOptions options, InstantSource clock, FreeSpace freeSpace)
      throws StorageException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    Path real;
    try {
      if (!Files.isDirectory(dataDir)) {
        if (!options.createIfMissing())
          throw new StorageException("no data folder at " + dataDir + " (has petrel serve run?)");
        PrivateFiles.createDirectories(dataDir);
      }
      real = dataDir.toRealPath();
    } catch (IOException e) {
      throw StorageFailures.of(e, "opening the data folder " + dataDir);
    }
    boolean first = OPEN.merge(real, 1, Integer::sum) == 1;
    SqliteConnections connections = null;
    Connection writeConnection = null;
    try {
      BodyStore files = new BodyFiles(real.resolve(SPOOL_FOLDER));
      // SQLite creates the database 0644 (less the umask) and gives its -wal and -shm files the
      // database's permissions: an empty 0600 file made first is taken as a new database.
      Path database = real.resolve(DATABASE_FILE);
      PrivateFiles.ensureFile(database);
      connections =
          new SqliteConnections(
              real.resolve(DATABASE_FILE), (int) options.busyTimeout().toMillis());
      writeConnection = connections.openWriter();
      migrate(connections, real);
      restrictDatabaseFiles(database);
      boolean owner = first && cleanUp(real, files, writeConnection);
      GroupCommitWriter writer =
          new GroupCommitWriter(writeConnection, options.maxGroupSize(), owner);
      return new SqliteMessageStore(
          dataDir, real, options, clock, freeSpace, files, connections, writer);
    } catch (IOException | SQLException | RuntimeException e) {
      OPEN.computeIfPresent(real, (k, n) -> n == 1 ? null : n - 1);
      closeQuietly(writeConnection);
      if (connections != null) connections.close();
      if (e instanceof IOException io)
        throw StorageFailures.of(io, "opening the store in " + dataDir);
      if (e instanceof SQLException sql)
        throw StorageFailures.of(sql, "opening the database in " + dataDir);
      if (StorageFailures.isDiskFull(e))
        throw StorageFailures.full("disk full while opening the store in " + dataDir, e);
      throw new StorageException(
          "opening the store in " + dataDir + " failed: " + e.getMessage(), e);
    }
  }

  /** The database and the files SQLite keeps beside it, 0600 whoever created them. */
  private static void restrictDatabaseFiles(Path database) {
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      Path p = database.resolveSibling(database.getFileName() + suffix);
      if (Files.exists(p) && !PrivateFiles.restrict(p))
        log.warn("cannot make {} readable by its owner only (chmod 600 it)", p);
    }
  }

  private static FreeSpace fileStoreSpace(Path dataDir) {
    FileStore[] store = new FileStore[1];
    return () -> {
      if (store[0] == null) store[0] = Files.getFileStore(dataDir);
      return store[0].getUsableSpace();
    };
  }

  private static void migrate(SqliteConnections connections, Path dir) {
    MigrateResult result =
        Flyway.configure(SqliteMessageStore.class.getClassLoader())
            .loggers(FlywayLogs.class.getName())
            .dataSource(connections.migrationDataSource())
            .locations(MIGRATIONS)
            .failOnMissingLocations(true)
            .load()
            .migrate();
    if (result.migrationsExecuted > 0)
      log.info(
          "queue database in {} migrated to schema version {} ({} migrations applied)",
          dir,
          result.targetSchemaVersion,
          result.migrationsExecuted);
  }

  /** Removes orphan bodies if no other process is writing in the folder; true if it could. */
  private static boolean cleanUp(Path real, BodyStore files, Connection c) throws IOException {
    int[] removed = new int[1];
    boolean exclusive =
        DataDirLock.whileExclusive(
            real,
            () ->
                removed[0] =
                    files.removeOrphans(
                        id -> {
                          try {
                            return MessageRows.exists(c, id);
                          } catch (SQLException e) {
                            return true; // when in doubt, keep the file
                          }
                        }));
    if (removed[0] > 0)
      log.info("removed {} message files left by an interrupted run in {}", removed[0], real);
    return exclusive;
  }

  @Override
  public Spool begin(Envelope envelope) throws StorageException {
    Objects.requireNonNull(envelope, "envelope");
    if (isClosed()) throw new StorageException("the store is closed");
    checkReserve();
    return new SqliteSpool(this, QueueId.generate(clock().instant()), envelope);
  }

  /** Refuses new data when the disk's free space is below the reserve. */
  void checkReserve() throws StorageException {
    long free;
    try {
      free = freeSpace.usableBytes();
    } catch (IOException e) {
      throw StorageFailures.of(e, "checking free disk space");
    }
    if (free < options.reserveBytes())
      throw new StorageFullException(
          "free space on the disk of "
              + dataDir
              + " is "
              + mib(free)
              + ", below the reserve of "
              + mib(options.reserveBytes()));
  }

  private static String mib(long bytes) {
    return (bytes / (1024 * 1024)) + " MiB";
  }

  @Override
  InputStream openStoredBody(QueueId id, BodyLocation found) throws IOException {
    return bodies.open(id);
  }

  @Override
  public boolean delete(QueueId id) throws StorageException {
    Objects.requireNonNull(id, "id");
    boolean deleted = writer.call(c -> MessageRows.delete(c, id), false, "deleting message " + id);
    if (deleted) bodies.delete(id);
    return deleted;
  }

  @Override
  void bodiesPruned(List<String> ids) {
    for (String id : ids) bodies.delete(QueueId.parse(id));
  }

  @Override
  String node() {
    return options.node();
  }

  /** The data folder as given to {@link #open}. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Finishes the commits already handed to the writer, checkpoints the WAL into the database file
   * (when this store owns the folder) and closes every connection. Spools still open afterwards
   * fail on commit and leave nothing.
   */
  @Override
  public void close() {
    if (!beginClose()) return;
    writer.close();
    connections.close();
    OPEN.computeIfPresent(realDir, (k, n) -> n == 1 ? null : n - 1);
  }

  /** A read in one snapshot of the database (a deferred transaction on a pooled connection). */
  @Override
  <T> T read(Read<T> read, String doing) throws StorageException {
    Connection c;
    try {
      c = connections.borrowReader();
    } catch (SQLException e) {
      throw StorageFailures.of(e, doing);
    }
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try {
        return read.run(c);
      } finally {
        s.execute("COMMIT");
      }
    } catch (SQLException e) {
      throw StorageFailures.of(e, doing);
    } finally {
      connections.release(c);
    }
  }

  boolean inlineSmallBodies() {
    return options.inlineSmallBodies();
  }

  /** Where the bodies too large for a row are kept. */
  BodyStore bodies() {
    return bodies;
  }

  /** The same bodies as files, for tests that look at their paths. */
  BodyFiles files() {
    return (BodyFiles) bodies;
  }

  BufferPool buffers() {
    return buffers;
  }

  @Override
  GroupCommitWriter writer() {
    return writer;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }
}
