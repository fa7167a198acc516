package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.sha256;
import static dev.petrel.queue.QueueTestSupport.spoolFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.model.QueueId;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while several threads commit: every id a commit returned for is there after restart, with
 * exactly the body that was written, and nothing half-written is left behind.
 */
class CrashSafetyTest {

  private static final Duration HANG_GUARD = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void everyCommittedMessageSurvivesSigkill() throws Exception {
    Path data = dir.resolve("data");
    Set<QueueId> committed = new LinkedHashSet<>();
    for (int round = 1; round <= 2; round++) {
      Path stderr = dir.resolve("child-" + round + ".err");
      int seen = committed.size();
      try (ChildJvm child = ChildJvm.start(CrashChild.class, stderr, data.toString(), "4")) {
        await()
            .atMost(HANG_GUARD)
            .failFast("the child stopped: " + stderr, () -> !child.process().isAlive())
            .until(() -> child.lines("COMMITTED ").size() >= 60);
        int rc = child.kill();
        assertThat(rc).as("killed by SIGKILL").isEqualTo(137);
        for (String id : child.lines("COMMITTED ")) committed.add(new QueueId(id));
      }
      assertThat(committed.size()).isGreaterThanOrEqualTo(seen + 60);
      verify(data, committed);
    }
  }

  private static void verify(Path data, Set<QueueId> committed) throws Exception {
    try (DataDirLock lock = DataDirLock.acquire(data);
        SqliteMessageStore store = QueueTestSupport.open(data)) {
      for (QueueId id : committed) {
        assertThat(store.find(id)).as("message %s", id).isPresent();
        try (InputStream in = store.openBody(id)) {
          assertThat(sha256(in)).as("body of %s", id).isEqualTo(sha256(CrashBodies.body(id)));
        }
      }
      // messages committed in the last instant, before their id was printed, are whole too
      List<StoredMessage> all = store.list(Integer.MAX_VALUE);
      for (StoredMessage m : all) {
        try (InputStream in = store.openBody(m.id())) {
          assertThat(sha256(in))
              .as("body of %s", m.id())
              .isEqualTo(sha256(CrashBodies.body(m.id())));
        }
        assertThat(m.size()).isEqualTo(CrashBodies.body(m.id()).length);
      }
      // what the kill interrupted has been cleaned away: one body per message, no temporaries
      List<String> files = spoolFiles(data);
      assertThat(files).noneMatch(f -> f.endsWith(BodyFiles.TEMP_SUFFIX));
      long large =
          all.stream().filter(m -> m.size() >= BufferPool.BUFFER_SIZE).count(); // the rest inline
      assertThat(large).isPositive();
      assertThat(files).hasSize((int) large);
      assertThat(Files.exists(data.resolve(SqliteMessageStore.DATABASE_FILE))).isTrue();
    }
  }
}
