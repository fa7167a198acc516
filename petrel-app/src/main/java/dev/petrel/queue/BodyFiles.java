package dev.petrel.queue;

import dev.petrel.model.QueueId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The embedded store's {@link BodyStore}: {@code spool/<shard>/<id>.eml}, one file per message,
 * readable by its owner only. A body is written under a temporary name, fsync'd, renamed, and the
 * directory fsync'd, so a name ending in {@code .eml} always means a complete body. The shard is
 * the last two characters of the id: its first characters are the time, so they would put all
 * recent mail in one folder.
 */
final class BodyFiles implements BodyStore {

  static final String SUFFIX = ".eml";
  static final String TEMP_SUFFIX = ".tmp";

  private final Path root;
  private final Set<String> shardsMade = ConcurrentHashMap.newKeySet();

  BodyFiles(Path root) throws IOException {
    this.root = root;
    if (!Files.isDirectory(root)) {
      PrivateFiles.createDirectories(root);
      fsyncDirectory(root.getParent());
    }
  }

  Path root() {
    return root;
  }

  private static String shardName(QueueId id) {
    String v = id.value();
    return v.substring(v.length() - 2);
  }

  Path path(QueueId id) {
    return root.resolve(shardName(id)).resolve(id.value() + SUFFIX);
  }

  Path tempPath(QueueId id) {
    return root.resolve(shardName(id)).resolve(id.value() + TEMP_SUFFIX);
  }

  /** Creates the id's shard folder if needed, durably (its parent is fsync'd once). */
  void prepareShard(QueueId id) throws IOException {
    String shard = shardName(id);
    if (shardsMade.contains(shard)) return;
    Path dir = root.resolve(shard);
    try {
      PrivateFiles.createDirectory(dir);
      fsyncDirectory(root);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) throw e;
    }
    shardsMade.add(shard);
  }

  /** Gives a complete, fsync'd temporary body its final name, durably. */
  void publish(QueueId id) throws IOException {
    Path target = path(id);
    Files.move(tempPath(id), target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(target.getParent());
  }

  @Override
  public Draft create(QueueId id) throws IOException {
    prepareShard(id);
    FileChannel channel =
        PrivateFiles.open(tempPath(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FileDraft(id, channel);
  }

  /** A temporary file being written; publishing fsyncs it and gives it its final name. */
  private final class FileDraft implements Draft {
    private final QueueId id;
    private final FileChannel channel;

    FileDraft(QueueId id, FileChannel channel) {
      this.id = id;
      this.channel = channel;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      while (bytes.hasRemaining()) channel.write(bytes);
    }

    @Override
    public void publish() throws IOException {
      channel.force(true);
      channel.close();
      BodyFiles.this.publish(id);
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more can be written; delete or the start-up sweep removes the file
      }
    }
  }

  @Override
  public InputStream open(QueueId id) throws IOException {
    return Files.newInputStream(path(id));
  }

  @Override
  public long size(QueueId id) throws IOException {
    return Files.size(path(id));
  }

  @Override
  public void delete(QueueId id) {
    deleteQuietly(id);
  }

  @Override
  public int removeOrphans(Predicate<QueueId> hasRow) throws IOException {
    return sweep(hasRow);
  }

  /** Removes the body under either name; a file already gone is fine. Never throws. */
  void deleteQuietly(QueueId id) {
    try {
      Files.deleteIfExists(tempPath(id));
    } catch (IOException ignored) {
      // start-up cleanup removes what is left
    }
    try {
      Files.deleteIfExists(path(id));
    } catch (IOException ignored) {
      // start-up cleanup removes what is left
    }
  }

  /**
   * Removes what a crash left: temporary bodies, and bodies whose message row was never committed
   * (or was deleted just before the crash). Must run only while no one else writes bodies.
   *
   * @return how many files were removed
   */
  int sweep(Predicate<QueueId> hasRow) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(root)) {
      for (Path shard : shards) {
        if (!Files.isDirectory(shard)) continue;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            boolean orphan;
            if (name.endsWith(TEMP_SUFFIX)) {
              orphan = true;
            } else if (name.endsWith(SUFFIX)) {
              QueueId id = idOf(name.substring(0, name.length() - SUFFIX.length()));
              orphan = id != null && !hasRow.test(id);
            } else {
              orphan = false; // not ours: leave it alone
            }
            if (orphan && Files.deleteIfExists(file)) removed++;
          }
        }
      }
    }
    return removed;
  }

  private static QueueId idOf(String text) {
    try {
      return new QueueId(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Makes a folder's entries (new, renamed or removed names) durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
