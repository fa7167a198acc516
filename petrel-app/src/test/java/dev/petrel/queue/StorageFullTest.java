package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static dev.petrel.queue.QueueTestSupport.spoolFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.QueueId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Below the disk reserve, or out of disk, a message is refused with 452 and nothing is kept. */
class StorageFullTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void reserveBiggerThanTheFreeSpaceRefusesNewMessages() throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    SqliteStoreOptions options = SqliteStoreOptions.defaults().withReserveBytes(free + 1024 * MIB);
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, options, InstantSource.system())) {
      assertThatThrownBy(() -> store.begin(envelope()))
          .isInstanceOf(StorageFullException.class)
          .hasMessageContaining("below the reserve of " + (free / MIB + 1024) + " MiB");
      assertThat(store.list(10)).isEmpty();
      assertThat(spoolFiles(dir)).isEmpty();
    }
  }

  @Test
  void spaceRunningOutBeforeCommitKeepsNothingAndSpaceReturningRecovers() throws Exception {
    AtomicLong free = new AtomicLong(500 * MIB);
    try (SqliteMessageStore store = openWithFakeDisk(free)) {
      Spool spool = store.begin(envelope());
      spool.body().write(message("late", "body"));
      free.set(10 * MIB);
      assertThatThrownBy(spool::commit)
          .isInstanceOf(StorageFullException.class)
          .hasMessageContaining("is 10 MiB, below the reserve of 100 MiB");
      spool.close();
      assertThat(store.list(10)).isEmpty();
      assertThat(spoolFiles(dir)).isEmpty();
      assertThatThrownBy(() -> store.begin(envelope())).isInstanceOf(StorageFullException.class);

      free.set(500 * MIB);
      QueueId id = QueueTestSupport.commit(store, envelope(), message("later", "body"));
      assertThat(store.find(id)).isPresent();
    }
  }

  @Test
  void spaceRunningOutWhileStreamingStopsWritingAtOnce() throws Exception {
    AtomicLong free = new AtomicLong(500 * MIB);
    try (SqliteMessageStore store = openWithFakeDisk(free)) {
      Spool spool = store.begin(envelope());
      byte[] piece = new byte[64 * 1024];
      for (int i = 0; i < 64; i++) spool.body().write(piece); // 4 MiB
      free.set(MIB);
      for (int i = 0; i < 128; i++) spool.body().write(piece); // past the 8 MiB check
      assertThat(spoolFiles(dir)).as("the partial body is gone already").isEmpty();
      assertThat(spool.size()).isEqualTo(192L * piece.length);
      assertThatThrownBy(spool::commit).isInstanceOf(StorageFullException.class);
      assertThat(store.list(10)).isEmpty();
    }
  }

  /**
   * A real "No space left on device" from the kernel: a 4 MiB tmpfs, mounted for the test (needs
   * root, as in CI).
   */
  @Test
  void aRealFullDiskIsReportedAsStorageFull() throws Exception {
    Path small = dir.resolve("small");
    Files.createDirectories(small);
    mountTmpfsOrSkip(small);
    try {
      Path data = small.resolve("data");
      try (SqliteMessageStore store = QueueTestSupport.open(data)) {
        Spool spool = store.begin(envelope());
        byte[] piece = new byte[64 * 1024];
        for (int i = 0; i < 128; i++) spool.body().write(piece); // 8 MiB into 4 MiB
        assertThatThrownBy(spool::commit)
            .isInstanceOf(StorageFullException.class)
            .hasMessageContaining("disk full while writing the message body");
        spool.close();
        assertThat(store.list(10)).isEmpty();
        assertThat(spoolFiles(data)).isEmpty();

        // the space came back with the discarded body: the next message is accepted
        QueueId id = QueueTestSupport.commit(store, envelope(), message("fits", "small"));
        assertThat(store.find(id)).isPresent();
      }
    } finally {
      run("umount", small.toString());
    }
  }

  private SqliteMessageStore openWithFakeDisk(AtomicLong free) throws StorageException {
    return SqliteMessageStore.open(
        dir, SqliteStoreOptions.defaults(), InstantSource.system(), free::get);
  }

  private static void mountTmpfsOrSkip(Path where) throws Exception {
    int rc = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", where.toString());
    if (rc != 0) {
      String why =
          "cannot mount a small tmpfs here (not root?): the real disk-full test is skipped";
      if ("1".equals(System.getenv("PETREL_REQUIRE_PEERS"))) throw new AssertionError(why);
      Assumptions.abort(why);
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return -1;
    }
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
