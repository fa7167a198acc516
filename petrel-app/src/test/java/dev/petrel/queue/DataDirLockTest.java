package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

  @TempDir Path dir;

  @Test
  void aSecondHolderInTheSameProcessIsRefusedUntilTheFirstCloses() throws Exception {
    Path data = dir.resolve("data");
    DataDirLock first = DataDirLock.acquire(data);
    assertThat(data.resolve(DataDirLock.FILE_NAME)).exists();
    assertThat(Files.readString(data.resolve(DataDirLock.FILE_NAME)).trim())
        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    assertThatThrownBy(() -> DataDirLock.acquire(data))
        .isInstanceOf(DataDirLock.InUseException.class)
        .hasMessage(
            "data folder "
                + data
                + " is in use by another petrel serve (pid "
                + ProcessHandle.current().pid()
                + ")");
    first.close();
    first.close(); // twice is fine
    try (DataDirLock again = DataDirLock.acquire(data)) {
      assertThat(again.dataDir()).isEqualTo(data.toRealPath());
    }
  }

  @Test
  void aFolderHeldByAnotherProcessIsRefusedWithItsPidAndFreedWhenItDies() throws Exception {
    Path data = dir.resolve("data");
    try (ChildJvm child =
        ChildJvm.start(LockHolder.class, dir.resolve("holder.err"), data.toString())) {
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast("the lock holder stopped", () -> !child.process().isAlive())
          .until(() -> !child.lines("LOCKED ").isEmpty());
      long pid = child.process().pid();
      assertThat(child.lines("LOCKED ")).containsExactly(Long.toString(pid));

      assertThatThrownBy(() -> DataDirLock.acquire(data))
          .isInstanceOfSatisfying(
              DataDirLock.InUseException.class, e -> assertThat(e.pid()).isEqualTo(pid))
          .hasMessage(
              "data folder " + data + " is in use by another petrel serve (pid " + pid + ")");

      // the command line opens the store next to the running server, without the lock
      try (SqliteMessageStore cli = QueueTestSupport.open(data)) {
        assertThat(cli.list(10)).isEmpty();
      }

      child.kill(); // SIGKILL: no chance to release; the OS drops the lock
    }
    try (DataDirLock lock = DataDirLock.acquire(data)) {
      assertThat(Files.readString(data.resolve(DataDirLock.FILE_NAME)).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }
  }
}
