package dev.petrel.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.Pruned;
import dev.petrel.queue.RecipientUpdate;
import dev.petrel.queue.Spool;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention job on the real store with a clock the test moves: a run deletes what finished
 * longer than the retention period ago, by the job's clock, and nothing younger; how often it runs.
 */
class RetentionJobTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  @Test
  void aRunDeletesWhatFinishedLongerThanTheRetentionPeriodAgoByItsClock() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    List<Pruned> heard = new ArrayList<>();
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, SqliteStoreOptions.defaults().withReserveBytes(0), now::get)) {
      QueueId id;
      try (Spool spool =
          store.begin(
              new Envelope(
                  EmailAddress.parse("a@example.com"),
                  List.of(Recipient.of(EmailAddress.parse("b@example.org"))),
                  "7BIT",
                  false,
                  null,
                  null,
                  "acme",
                  null,
                  null,
                  null))) {
        spool.body().write("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        id = spool.commit();
      }
      DeliveryJob job = store.claimDue(T0, 10, Duration.ofMinutes(5)).getFirst();
      store.recordAttempt(
          job,
          0,
          new AttemptRecord(
              T0, "mx", "192.0.2.1", null, "data", 250, "2.0.0", "ok", null, null, "deliver"),
          RecipientUpdate.finalState(RecipientState.DELIVERED));

      RetentionJob job30 = new RetentionJob(store, Duration.ofDays(30), now::get, heard::add);
      now.set(T0.plus(Duration.ofDays(29)));
      assertThat(job30.runOnce().messages()).isZero();
      assertThat(store.find(id)).isPresent();
      now.set(T0.plus(Duration.ofDays(30)).plusSeconds(1));
      assertThat(job30.runOnce().messages()).isEqualTo(1);
      assertThat(store.find(id)).isEmpty();
      assertThat(heard).extracting(Pruned::messages).containsExactly(0, 1);
    }
  }

  @Test
  void itRunsHourlyOrEveryRetentionPeriodWhenShorterButAtMostEverySecond() throws Exception {
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, SqliteStoreOptions.defaults().withReserveBytes(0), () -> T0)) {
      assertThat(new RetentionJob(store, Duration.ofDays(30), () -> T0, p -> {}).interval())
          .isEqualTo(Duration.ofHours(1));
      assertThat(new RetentionJob(store, Duration.ofMinutes(10), () -> T0, p -> {}).interval())
          .isEqualTo(Duration.ofMinutes(10));
      assertThat(new RetentionJob(store, Duration.ofMillis(10), () -> T0, p -> {}).interval())
          .isEqualTo(Duration.ofSeconds(1));
      assertThatThrownBy(() -> new RetentionJob(store, Duration.ZERO, () -> T0, p -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("positive");
    }
  }
}
