package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.commit;
import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node killed while holding leases: its work is claimable again once the leases run out. */
class LeaseCrashTest {

  @TempDir Path dir;

  @Test
  void aKilledNodesLeasesRunOutAndItsWorkIsDeliveredOnce() throws Exception {
    List<QueueId> ids = new ArrayList<>();
    try (SqliteMessageStore store = QueueTestSupport.open(dir)) {
      for (int i = 0; i < 20; i++)
        ids.add(
            commit(store, envelope("s@example.com", "r" + i + "@example.org"), message("m", "b")));
    }
    Instant t = Instant.now().plusSeconds(1);
    Duration lease = Duration.ofMinutes(10);
    List<String> claimed;
    try (ChildJvm child =
        ChildJvm.start(
            LeaseChild.class,
            dir.resolve("child.err"),
            dir.toString(),
            t.toString(),
            lease.toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.lines("ready").isEmpty());
      claimed = child.lines("claimed ");
      child.kill();
    }
    assertThat(claimed).hasSize(20);

    try (SqliteMessageStore store = QueueTestSupport.open(dir)) {
      // still leased by the dead node: nobody takes the work before the lease ends
      assertThat(store.claimDue(t.plus(lease).minusMillis(1), 1000, lease)).isEmpty();
      List<DeliveryJob> again = store.claimDue(t.plus(lease), 1000, lease);
      assertThat(again).hasSize(20);
      for (DeliveryJob j : again)
        assertThat(
                store.recordAttempt(
                    j,
                    0,
                    new AttemptRecord(
                        t.plus(lease),
                        "mx",
                        "192.0.2.1",
                        null,
                        "end-of-data",
                        250,
                        "2.0.0",
                        "ok",
                        "none",
                        "delivered",
                        "none"),
                    RecipientUpdate.finalState(RecipientState.DELIVERED)))
            .isTrue();
      for (QueueId id : ids)
        assertThat(store.find(id).orElseThrow().recipients().getFirst().state())
            .isEqualTo(RecipientState.DELIVERED);
      assertThat(store.claimDue(t.plus(lease.multipliedBy(3)), 1000, lease)).isEmpty();
    }
  }

  @Test
  void theNodeThatOwnsTheFolderTakesItsDeadRunsWorkBackAtOnce() throws Exception {
    List<QueueId> ids = new ArrayList<>();
    try (SqliteMessageStore store = QueueTestSupport.open(dir)) {
      for (int i = 0; i < 5; i++)
        ids.add(
            commit(store, envelope("s@example.com", "r" + i + "@example.org"), message("m", "b")));
    }
    Instant t = Instant.now().plusSeconds(1);
    Duration lease = Duration.ofMinutes(15);
    try (ChildJvm child =
        ChildJvm.start(
            LeaseChild.class,
            dir.resolve("child.err"),
            dir.toString(),
            t.toString(),
            lease.toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.lines("ready").isEmpty());
      assertThat(child.lines("claimed ")).hasSize(5);
      child.kill();
    }
    Instant restart = t.plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (DataDirLock lock = DataDirLock.acquire(dir);
        SqliteMessageStore store = QueueTestSupport.open(dir)) {
      assertThat(store.claimDue(restart, 1000, lease)).as("leased by the dead run").isEmpty();
      assertThat(store.releaseLeases(restart)).isEqualTo(5);
      for (QueueId id : ids) {
        RecipientDelivery d = store.deliveries(id).getFirst();
        assertThat(d.nextAttempt()).isEqualTo(restart);
        assertThat(d.inFlight()).isFalse();
        assertThat(d.possibleDuplicate()).as("the killed attempt may have delivered it").isTrue();
      }
      assertThat(store.releaseLeases(restart)).as("nothing left to release").isZero();
      List<DeliveryJob> again = store.claimDue(restart, 1000, lease);
      assertThat(again).hasSize(5);
      assertThat(again)
          .allSatisfy(j -> assertThat(j.recipients().getFirst().possibleDuplicate()).isTrue());
    }
  }
}
