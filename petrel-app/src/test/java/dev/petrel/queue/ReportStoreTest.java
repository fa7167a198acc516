package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.commit;
import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports that arrive by mail after delivery: recorded as attempts, a bounce ends delivery. */
class ReportStoreTest {

  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(10);

  SqliteMessageStore store;

  @BeforeEach
  void open() throws Exception {
    store = SqliteMessageStore.open(dir, QueueTestSupport.options(), () -> T0);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static AttemptRecord report(Instant at) {
    return new AttemptRecord(
        at,
        "mx.example.org",
        null,
        null,
        "async-bounce",
        550,
        "5.1.1",
        "User unknown",
        "hard",
        "userunknown",
        "suppress");
  }

  QueueId delivered(String... rcpts) throws Exception {
    QueueId id = commit(store, envelope("sender@example.com", rcpts), message("hi", "body\r\n"));
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    for (var r : job.recipients())
      store.recordAttempt(
          job,
          r.position(),
          DeliveryStoreTest.attempt(T0, 250, "2.0.0", "none"),
          RecipientUpdate.finalState(RecipientState.DELIVERED));
    return id;
  }

  RecipientState state(QueueId id, int position) throws Exception {
    return store.find(id).orElseThrow().recipients().get(position).state();
  }

  @Test
  void aBounceMovesADeliveredRecipientToBouncedOnce() throws Exception {
    QueueId id = delivered("a@one.example", "b@one.example");
    Instant at = T0.plusSeconds(60);
    assertThat(store.recordReport(id, 1, report(at), true)).contains(RecipientState.DELIVERED);
    assertThat(state(id, 1)).isEqualTo(RecipientState.BOUNCED);
    assertThat(state(id, 0)).isEqualTo(RecipientState.DELIVERED);
    var attempts = store.deliveries(id).get(1).attempts();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1).phase()).isEqualTo("async-bounce");
    assertThat(attempts.get(1).mx()).isEqualTo("mx.example.org");
    // the same bounce again is recorded, and says the recipient was bounced already
    assertThat(store.recordReport(id, 1, report(at), true)).contains(RecipientState.BOUNCED);
    assertThat(store.deliveries(id).get(1).attempts()).hasSize(3);
  }

  @Test
  void aReportThatDoesNotBounceOnlyRecords() throws Exception {
    QueueId id = delivered("a@one.example");
    assertThat(store.recordReport(id, 0, report(T0), false)).contains(RecipientState.DELIVERED);
    assertThat(state(id, 0)).isEqualTo(RecipientState.DELIVERED);
    assertThat(store.deliveries(id).getFirst().attempts()).hasSize(2);
  }

  @Test
  void anotherFinalStateStands() throws Exception {
    QueueId id = commit(store, envelope("s@example.com", "a@one.example"), message("x", "y\r\n"));
    store.cancel(Selection.of(java.util.List.of(id)), T0);
    assertThat(store.recordReport(id, 0, report(T0), true)).contains(RecipientState.CANCELLED);
    assertThat(state(id, 0)).isEqualTo(RecipientState.CANCELLED);
  }

  @Test
  void aRecipientInFlightIsBouncedAndItsLeaseIsGone() throws Exception {
    QueueId id = commit(store, envelope("s@example.com", "a@one.example"), message("x", "y\r\n"));
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    assertThat(store.recordReport(id, 0, report(T0), true)).contains(RecipientState.QUEUED);
    assertThat(
            store.recordAttempt(
                job,
                0,
                DeliveryStoreTest.attempt(T0, 250, "2.0.0", "none"),
                RecipientUpdate.finalState(RecipientState.DELIVERED)))
        .isFalse();
    assertThat(state(id, 0)).isEqualTo(RecipientState.BOUNCED);
    assertThat(store.claimDue(T0.plus(LEASE).plusSeconds(1), 10, LEASE)).isEmpty();
  }

  @Test
  void anUnknownRecipientWritesNothing() throws Exception {
    QueueId id = delivered("a@one.example");
    assertThat(store.recordReport(id, 5, report(T0), true)).isEmpty();
    assertThat(store.recordReport(QueueId.generate(T0), 0, report(T0), true)).isEmpty();
  }
}
