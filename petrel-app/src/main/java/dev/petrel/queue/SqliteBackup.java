package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A consistent copy of an embedded installation's data folder, taken while {@code serve} runs.
 *
 * <p>The database is copied first with SQLite's {@code VACUUM INTO}, which reads one snapshot (a
 * read transaction; writers in WAL mode go on meanwhile). The message bodies of exactly the
 * messages in that snapshot are copied next; a body is only ever deleted after its row, so a body
 * missing now belongs to a message deleted after the snapshot, and that message is dropped from the
 * copy too (counted in the result). The other files of the folder (TLS material, SMTP logins, the
 * VERP secret) are copied as they are. The lock file and SQLite's -wal/-shm files are not copied:
 * the copy is a complete database on its own. Everything is created readable by its owner only.
 */
public final class SqliteBackup {

  /**
   * What was copied: messages in the snapshot, body files copied beside it (small bodies live in
   * the database), messages left out because they were deleted meanwhile, and bytes written.
   */
  public record Result(int messages, int bodyFiles, int droppedDeleted, long bytes) {}

  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private SqliteBackup() {}

  /**
   * Copies the data folder {@code source} into {@code target}, which must not exist or be empty.
   *
   * @throws StorageException the source is not a data folder, the target is not empty, or a copy
   *     step failed (a partial target is left for inspection; remove it and run again)
   */
  public static Result copy(Path source, Path target) throws StorageException {
    Path db = source.resolve(SqliteMessageStore.DATABASE_FILE);
    if (!Files.isRegularFile(db)) {
      throw new StorageException(
          "no Petrel data folder at " + source + " (no " + db.getFileName() + ")");
    }
    try {
      prepareTarget(target);
      Path copyDb = target.resolve(SqliteMessageStore.DATABASE_FILE);
      snapshot(db, copyDb);
      restrict(copyDb);
      Result r = copyBodies(source.resolve(SqliteMessageStore.SPOOL_FOLDER), target, copyDb);
      long other = copyOtherFiles(source, target);
      return new Result(
          r.messages(), r.bodyFiles(), r.droppedDeleted(), r.bytes() + other + Files.size(copyDb));
    } catch (IOException e) {
      throw new StorageException("backup into " + target + " failed: " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new StorageException("backup of " + db + " failed: " + e.getMessage(), e);
    }
  }

  private static void prepareTarget(Path target) throws IOException, StorageException {
    if (Files.exists(target)) {
      if (!Files.isDirectory(target))
        throw new StorageException(target + " exists and is not a folder");
      try (DirectoryStream<Path> d = Files.newDirectoryStream(target)) {
        if (d.iterator().hasNext()) {
          throw new StorageException(target + " is not empty; back up into a new or empty folder");
        }
      }
      Files.setPosixFilePermissions(target, DIR_MODE);
    } else {
      Files.createDirectories(target, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
  }

  private static void snapshot(Path db, Path copy) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, copy.toString());
      vacuum.execute();
    }
  }

  private static Result copyBodies(Path spool, Path target, Path copyDb)
      throws IOException, SQLException {
    BodyFiles from = new BodyFiles(spool);
    Path toRoot = target.resolve(SqliteMessageStore.SPOOL_FOLDER);
    Files.createDirectory(toRoot, PosixFilePermissions.asFileAttribute(DIR_MODE));
    BodyFiles to = new BodyFiles(toRoot);
    // Small bodies are rows of the snapshot already; the others are files under spool/.
    List<String> ids = new ArrayList<>();
    int messages;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copyDb);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id FROM messages WHERE id NOT IN (SELECT message_id FROM bodies) ORDER BY id")) {
        while (rs.next()) ids.add(rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM messages")) {
        messages = rs.next() ? rs.getInt(1) : 0;
      }
    }
    List<String> gone = new ArrayList<>();
    long bytes = 0;
    int copied = 0;
    for (String value : ids) {
      QueueId id = QueueId.parse(value);
      Path body = from.path(id);
      Path dest = to.path(id);
      Path shard = dest.getParent();
      try {
        Files.createDirectory(shard, PosixFilePermissions.asFileAttribute(DIR_MODE));
      } catch (FileAlreadyExistsException exists) {
        // another message of the same shard came first
      }
      try {
        Files.copy(body, dest, StandardCopyOption.COPY_ATTRIBUTES);
      } catch (NoSuchFileException deletedSinceSnapshot) {
        gone.add(value);
        continue;
      }
      restrict(dest);
      bytes += Files.size(dest);
      copied++;
    }
    if (!gone.isEmpty()) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copyDb)) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA foreign_keys = ON");
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM messages WHERE id = ?")) {
          for (String id : gone) {
            del.setString(1, id);
            del.addBatch();
          }
          del.executeBatch();
        }
      }
    }
    return new Result(messages - gone.size(), copied, gone.size(), bytes);
  }

  /** Copies the folder's other files and folders (TLS material, logins, secrets), not the spool. */
  private static long copyOtherFiles(Path source, Path target) throws IOException {
    long bytes = 0;
    try (DirectoryStream<Path> d = Files.newDirectoryStream(source)) {
      for (Path p : d) {
        String name = p.getFileName().toString();
        if (name.equals(SqliteMessageStore.SPOOL_FOLDER)
            || name.startsWith(SqliteMessageStore.DATABASE_FILE)
            || name.equals(DataDirLock.FILE_NAME)) {
          continue;
        }
        bytes += copyTree(p, target.resolve(name));
      }
    }
    return bytes;
  }

  private static long copyTree(Path from, Path to) throws IOException {
    if (Files.isDirectory(from)) {
      Files.createDirectory(to, PosixFilePermissions.asFileAttribute(DIR_MODE));
      long bytes = 0;
      try (DirectoryStream<Path> d = Files.newDirectoryStream(from)) {
        for (Path p : d) bytes += copyTree(p, to.resolve(p.getFileName().toString()));
      }
      return bytes;
    }
    if (!Files.isRegularFile(from)) return 0;
    Files.copy(from, to);
    restrict(to);
    return Files.size(to);
  }

  private static void restrict(Path file) throws IOException {
    Files.setPosixFilePermissions(file, FILE_MODE);
  }
}
