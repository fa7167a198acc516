package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static dev.petrel.queue.QueueTestSupport.open;
import static dev.petrel.queue.QueueTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.petrel.model.QueueId;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits of concurrent sessions share transactions, and none is lost. */
class GroupCommitTest {

  private static final Duration HANG_GUARD = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void twentyConcurrentSessionsAllLandAndShareTransactions() throws Exception {
    int threads = 20;
    int perThread = 50;
    Map<QueueId, String> committed = new ConcurrentHashMap<>();
    try (SqliteMessageStore store = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    byte[] body = message("t" + thread + " m" + i, "body " + thread + "/" + i);
                    committed.put(QueueTestSupport.commit(store, envelope(), body), sha256(body));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures)
        f.get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

      StoreStats stats = store.stats();
      assertThat(committed).hasSize(threads * perThread);
      assertThat(stats.messages()).isEqualTo(threads * perThread);
      assertThat(stats.transactions())
          .as("20 sessions committing at once must share transactions")
          .isLessThan(threads * perThread);
    }

    try (SqliteMessageStore store = open(dir)) {
      assertThat(store.list(10_000)).hasSize(threads * perThread);
      for (Map.Entry<QueueId, String> e : committed.entrySet()) {
        assertThat(store.find(e.getKey())).isPresent();
        try (InputStream in = store.openBody(e.getKey())) {
          assertThat(sha256(in)).isEqualTo(e.getValue());
        }
      }
    }
  }

  @Test
  void commitsWaitingTogetherGoIntoOneTransaction() throws Exception {
    int sessions = 20;
    try (SqliteMessageStore store = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(sessions)) {
      long before = store.stats().transactions();
      List<Future<QueueId>> futures = new ArrayList<>();
      try (AutoCloseable paused = store.writer().pause()) {
        for (int s = 0; s < sessions; s++) {
          int n = s;
          futures.add(
              pool.submit(() -> QueueTestSupport.commit(store, envelope(), message("s" + n, "x"))));
        }
        await().atMost(HANG_GUARD).until(() -> store.writer().backlog() == sessions);
      }
      List<QueueId> ids = new ArrayList<>();
      for (Future<QueueId> f : futures)
        ids.add(f.get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
      assertThat(store.stats().transactions() - before).isEqualTo(1);
      assertThat(store.stats().messages()).isEqualTo(sessions);
      for (QueueId id : ids) assertThat(store.find(id)).isPresent();
    }
  }

  @Test
  void aFailingWriteInAGroupFailsAloneAndTheOthersCommit() throws Exception {
    try (SqliteMessageStore store = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      QueueId existing = QueueTestSupport.commit(store, envelope(), message("first", "x"));
      long before = store.stats().transactions();
      Future<QueueId> good1;
      Future<QueueId> good2;
      Future<Object> bad;
      try (AutoCloseable paused = store.writer().pause()) {
        good1 = pool.submit(() -> QueueTestSupport.commit(store, envelope(), message("a", "x")));
        bad =
            pool.submit(
                () ->
                    store
                        .writer()
                        .call(
                            c -> {
                              // a second row with an existing id breaks the primary key
                              c.prepare(
                                      "INSERT INTO messages (id, account, size, created, body_type,"
                                          + " smtputf8) VALUES ('"
                                          + existing
                                          + "', 'x', 0, 0, '7BIT', 0)")
                                  .executeUpdate();
                              return null;
                            },
                            false,
                            "inserting a duplicate"));
        good2 = pool.submit(() -> QueueTestSupport.commit(store, envelope(), message("b", "x")));
        await().atMost(HANG_GUARD).until(() -> store.writer().backlog() == 3);
      }
      QueueId a = good1.get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      QueueId b = good2.get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThatThrownBy(
              () -> bad.get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(StorageException.class)
          .hasMessageContaining("inserting a duplicate failed");
      assertThat(store.stats().transactions() - before).isEqualTo(1);
      assertThat(store.list(10)).extracting(StoredMessage::id).containsExactly(existing, a, b);
      assertThat(store.find(existing).orElseThrow().account()).isEqualTo("default");
    }
  }

  @Test
  void aGroupCountsUsageOnceAtItsEndAndOnlyForTheWritesThatSucceed() throws Exception {
    java.time.Instant at = java.time.Instant.parse("2026-12-07T10:00:00Z");
    java.time.YearMonth month = java.time.YearMonth.of(2026, 12);
    try (SqliteMessageStore store = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(3)) {
      long before = store.stats().transactions();
      long[] seenByThird = new long[1];
      List<Future<Object>> writes = new ArrayList<>();
      try (AutoCloseable paused = store.writer().pause()) {
        writes.add(pool.submit(() -> count(store, at, 2, false, null)));
        await().atMost(HANG_GUARD).until(() -> store.writer().backlog() == 1);
        writes.add(pool.submit(() -> count(store, at, 5, true, null)));
        await().atMost(HANG_GUARD).until(() -> store.writer().backlog() == 2);
        writes.add(pool.submit(() -> count(store, at, 1, false, seenByThird)));
        await().atMost(HANG_GUARD).until(() -> store.writer().backlog() == 3);
      }
      writes.get(0).get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  writes.get(1).get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
          .hasMessageContaining("refused after counting");
      writes.get(2).get(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThat(store.stats().transactions() - before).as("one group").isEqualTo(1);
      assertThat(seenByThird[0])
          .as("a later write of the group sees what the earlier successful ones counted")
          .isEqualTo(2);
      assertThat((long) store.<Long>read(c -> AccountRows.usage(c, "acme", month), "reading usage"))
          .as("the failed write's 5 were dropped with its savepoint")
          .isEqualTo(3);
      assertThat(
              (long)
                  store.<Long>read(
                      c -> AccountRows.usage(c, "acme", month.minusMonths(1)), "reading"))
          .isZero();
    }
  }

  /** One write that counts {@code n} recipients for acme, then fails if {@code fail}. */
  private static Object count(
      SqliteMessageStore store, java.time.Instant at, int n, boolean fail, long[] pendingBefore)
      throws StorageException {
    return store
        .writer()
        .call(
            c -> {
              if (pendingBefore != null)
                pendingBefore[0] = c.pendingUsage("acme", AccountRows.month(at));
              AccountRows.countUsage(c, "acme", at, n);
              if (fail) throw new IllegalStateException("refused after counting");
              return null;
            },
            false,
            "counting " + n);
  }
}
