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
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's side of the store: claims and leases, attempts, states, bulk operations. */
class DeliveryStoreTest {

  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(10);

  final AtomicReference<Instant> clock = new AtomicReference<>(T0);
  SqliteMessageStore store;

  @BeforeEach
  void open() throws Exception {
    store = SqliteMessageStore.open(dir, QueueTestSupport.options(), clock::get);
  }

  @AfterEach
  void close() {
    store.close();
  }

  QueueId queue(String... rcpts) throws Exception {
    return commit(store, envelope("sender@example.com", rcpts), message("hi", "body\r\n"));
  }

  InstantSource fixed(Instant t) {
    return InstantSource.fixed(t);
  }

  static AttemptRecord attempt(Instant at, int code, String enhanced, String action) {
    return new AttemptRecord(
        at,
        "mx1.example.org",
        "192.0.2.25",
        "TLSv1.3 TLS_AES_128_GCM_SHA256",
        "rcpt",
        code,
        enhanced,
        "reply text " + code,
        code >= 500 ? "hard" : "soft",
        code >= 500 ? "userunknown" : "greylisted",
        action);
  }

  @Test
  void oldestDueIsTheAcceptanceTimeOfTheOldestMessageDueNowNotHeldNotFinal() throws Exception {
    assertThat(store.oldestDue(T0)).isEmpty();
    QueueId first = queue("a@one.example");
    clock.set(T0.plusSeconds(30));
    queue("b@two.example");
    assertThat(store.oldestDue(T0.plusSeconds(60))).contains(T0);
    store.hold(first);
    assertThat(store.oldestDue(T0.plusSeconds(60))).contains(T0.plusSeconds(30));
    store.release(first);
    // Leased (in delivery, due again only when the lease runs out) is not due now.
    assertThat(store.claimDue(T0.plusSeconds(60), 100, LEASE)).hasSize(2);
    assertThat(store.oldestDue(T0.plusSeconds(61))).isEmpty();
  }

  @Test
  void claimGroupsByMessageAndDomainAndLeases() throws Exception {
    QueueId id = queue("a@one.example", "b@two.example", "c@one.example");
    List<DeliveryJob> jobs = store.claimDue(T0, 100, LEASE);
    assertThat(jobs).hasSize(2);
    assertThat(jobs).allSatisfy(j -> assertThat(j.message().id()).isEqualTo(id));
    DeliveryJob one = jobs.stream().filter(j -> j.domain().equals("one.example")).findFirst().get();
    assertThat(one.recipients()).extracting(r -> r.position()).containsExactly(0, 2);
    assertThat(one.recipients())
        .extracting(r -> r.recipient().address().toString())
        .containsExactly("a@one.example", "c@one.example");
    assertThat(one.leaseUntil()).isEqualTo(T0.plus(LEASE));
    // leased: nobody else gets them until the lease runs out
    assertThat(store.claimDue(T0.plusSeconds(60), 100, LEASE)).isEmpty();
  }

  @Test
  void anExpiredLeaseMakesTheWorkDueAgainAndTheOldHolderCannotRecord() throws Exception {
    queue("a@one.example");
    DeliveryJob first = store.claimDue(T0, 10, LEASE).getFirst();
    Instant later = T0.plus(LEASE).plusSeconds(1);
    DeliveryJob second = store.claimDue(later, 10, LEASE).getFirst();
    assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
    boolean stale =
        store.recordAttempt(
            first,
            0,
            attempt(later, 250, "2.0.0", "none"),
            RecipientUpdate.finalState(RecipientState.DELIVERED));
    assertThat(stale).isFalse();
    assertThat(store.deliveries(first.message().id()).getFirst().attempts()).isEmpty();
    assertThat(
            store.recordAttempt(
                second,
                0,
                attempt(later, 250, "2.0.0", "none"),
                RecipientUpdate.finalState(RecipientState.DELIVERED)))
        .isTrue();
  }

  @Test
  void attemptsAreRecordedAndStatesMove() throws Exception {
    QueueId id = queue("a@one.example", "b@one.example");
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    Instant at = T0.plusSeconds(3);
    Instant next = at.plus(Duration.ofMinutes(5));
    assertThat(
            store.recordAttempt(
                job, 0, attempt(at, 451, "4.7.1", "retry-after"), RecipientUpdate.deferred(next)))
        .isTrue();
    assertThat(
            store.recordAttempt(
                job,
                1,
                attempt(at, 550, "5.1.1", "suppress"),
                RecipientUpdate.finalState(RecipientState.BOUNCED)))
        .isTrue();

    StoredMessage m = store.find(id).orElseThrow();
    assertThat(m.recipients())
        .extracting(r -> r.state())
        .containsExactly(RecipientState.DEFERRED, RecipientState.BOUNCED);
    List<RecipientDelivery> d = store.deliveries(id);
    assertThat(d.get(0).nextAttempt()).isEqualTo(next);
    assertThat(d.get(0).inFlight()).isFalse();
    assertThat(d.get(1).nextAttempt()).isNull();
    AttemptRecord a = d.get(1).attempts().getFirst();
    assertThat(a).isEqualTo(attempt(at, 550, "5.1.1", "suppress"));

    // not due before its time, due after
    assertThat(store.claimDue(next.minusMillis(1), 10, LEASE)).isEmpty();
    DeliveryJob retry = store.claimDue(next, 10, LEASE).getFirst();
    assertThat(retry.recipients())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position()).isZero();
              assertThat(r.attempts()).isEqualTo(1);
            });
  }

  @Test
  void aLostReplyMarksAPossibleDuplicateThatStays() throws Exception {
    QueueId id = queue("a@one.example");
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    Instant next = T0.plusSeconds(300);
    store.recordAttempt(
        job,
        0,
        new AttemptRecord(
            T0,
            "mx",
            "192.0.2.1",
            null,
            "end-of-data",
            null,
            null,
            null,
            null,
            "networkerror",
            "retry"),
        new RecipientUpdate(RecipientState.DEFERRED, next, true));
    DeliveryJob again = store.claimDue(next, 10, LEASE).getFirst();
    assertThat(again.recipients().getFirst().possibleDuplicate()).isTrue();
    store.recordAttempt(
        again,
        0,
        attempt(next, 250, "2.0.0", "none"),
        RecipientUpdate.finalState(RecipientState.DELIVERED));
    assertThat(store.deliveries(id).getFirst().possibleDuplicate()).isTrue();
  }

  @Test
  void freshMailIsNotStarvedByADueBacklogAndRetriesStillGetTheirShare() throws Exception {
    for (int i = 0; i < 30; i++) queue("r" + i + "@slow.example");
    // every one of those fails once and is due again at T0 + 1 min
    Instant retryAt = T0.plusSeconds(60);
    for (DeliveryJob j : store.claimDue(T0, 100, LEASE))
      store.recordAttempt(
          j, 0, attempt(T0, 421, "4.3.2", "retry"), RecipientUpdate.deferred(retryAt));
    clock.set(T0.plusSeconds(120));
    for (int i = 0; i < 30; i++) queue("n" + i + "@fresh.example");

    List<DeliveryJob> jobs = store.claimDue(T0.plusSeconds(120), 10, LEASE);
    long fresh = jobs.stream().filter(j -> j.domain().equals("fresh.example")).count();
    long retries = jobs.stream().filter(j -> j.domain().equals("slow.example")).count();
    assertThat(fresh).isEqualTo(5);
    assertThat(retries).isEqualTo(5);

    // when one lane runs short, the other takes the rest of the claim
    for (DeliveryJob j : store.claimDue(T0.plusSeconds(120), 45, LEASE))
      store.unclaim(j, j.domain().equals("slow.example") ? T0.plus(Duration.ofHours(1)) : T0);
    List<DeliveryJob> more = store.claimDue(T0.plusSeconds(120), 40, LEASE);
    assertThat(more.stream().filter(j -> j.domain().equals("fresh.example")).count()).isEqualTo(25);
  }

  @Test
  void heldMessagesAndPausedDestinationsAreSkipped() throws Exception {
    QueueId held = queue("a@one.example");
    queue("b@two.example");
    queue("c@three.example");
    store.hold(held);
    store.pause("TWO.example", T0);
    assertThat(store.paused()).containsExactly("two.example");
    assertThat(store.claimDue(T0, 10, LEASE))
        .extracting(DeliveryJob::domain)
        .containsExactly("three.example");

    store.pause(null, T0);
    store.release(held);
    assertThat(store.claimDue(T0, 10, LEASE)).isEmpty();
    store.resume(null);
    assertThat(store.paused()).isEmpty();
    assertThat(store.claimDue(T0, 10, LEASE))
        .extracting(DeliveryJob::domain)
        .containsExactlyInAnyOrder("one.example", "two.example");
  }

  @Test
  void aSuppressedRecipientEndsWithoutBeingClaimed() throws Exception {
    store.addSuppression(
        new Suppression("default", "Gone@One.Example", "userunknown", "550 5.1.1 no", T0));
    QueueId id = queue("gone@one.example", "here@one.example");
    List<DeliveryJob> jobs = store.claimDue(T0, 10, LEASE);
    assertThat(jobs)
        .singleElement()
        .satisfies(
            j -> assertThat(j.recipients()).extracting(r -> r.position()).containsExactly(1));
    StoredMessage m = store.find(id).orElseThrow();
    assertThat(m.recipients().getFirst().state()).isEqualTo(RecipientState.SUPPRESSED);
    AttemptRecord a = store.deliveries(id).getFirst().attempts().getFirst();
    assertThat(a.action()).isEqualTo("suppress");
    assertThat(a.reason()).isEqualTo("suppressed");
    assertThat(a.code()).isNull();
    assertThat(a.text()).contains("suppression list").contains("userunknown");
  }

  @Test
  void suppressionListAddFindRemove() throws Exception {
    assertThat(store.addSuppression(new Suppression("default", "X@Y.example", "manual", null, T0)))
        .isTrue();
    assertThat(
            store.addSuppression(
                new Suppression("default", "x@y.example", "hasmoved", "550 x", T0.plusSeconds(1))))
        .isFalse();
    assertThat(store.findSuppression("default", "x@Y.EXAMPLE"))
        .get()
        .extracting(Suppression::reason)
        .isEqualTo("hasmoved");
    assertThat(store.findSuppression("other", "x@y.example")).isEmpty();
    assertThat(store.suppressions("default", 10))
        .extracting(Suppression::address)
        .containsExactly("x@y.example");
    assertThat(store.removeSuppression("default", "X@y.example")).isTrue();
    assertThat(store.removeSuppression("default", "X@y.example")).isFalse();
  }

  @Test
  void retryNowAndCancelInBulk() throws Exception {
    QueueId a = queue("a@one.example", "b@two.example");
    QueueId b = queue("c@two.example");
    Instant far = T0.plus(Duration.ofHours(2));
    for (DeliveryJob j : store.claimDue(T0, 10, LEASE))
      for (var r : j.recipients())
        store.recordAttempt(
            j, r.position(), attempt(T0, 421, "4.4.2", "retry"), RecipientUpdate.deferred(far));

    assertThat(store.retryNow(Selection.all().withDomain("TWO.example"), T0.plusSeconds(1)))
        .isEqualTo(2);
    assertThat(store.claimDue(T0.plusSeconds(1), 10, LEASE))
        .extracting(DeliveryJob::domain)
        .containsOnly("two.example")
        .hasSize(2);

    assertThat(store.cancel(Selection.of(List.of(a)), T0.plusSeconds(2))).isEqualTo(2);
    assertThat(store.find(a).orElseThrow().recipients())
        .extracting(r -> r.state())
        .containsOnly(RecipientState.CANCELLED);
    assertThat(store.cancel(Selection.all().withState(RecipientState.DEFERRED), T0)).isEqualTo(1);
    assertThat(store.find(b).orElseThrow().recipients().getFirst().state())
        .isEqualTo(RecipientState.CANCELLED);
  }

  @Test
  void anAttemptInFlightWhenCancelledIsRecordedAndDeliveryWins() throws Exception {
    QueueId id = queue("a@one.example", "b@one.example");
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    store.cancel(Selection.of(List.of(id)), T0);
    store.recordAttempt(
        job,
        0,
        attempt(T0, 250, "2.0.0", "none"),
        RecipientUpdate.finalState(RecipientState.DELIVERED));
    store.recordAttempt(
        job, 1, attempt(T0, 451, "4.3.0", "retry"), RecipientUpdate.deferred(T0.plusSeconds(300)));
    assertThat(store.find(id).orElseThrow().recipients())
        .extracting(r -> r.state())
        .containsExactly(RecipientState.DELIVERED, RecipientState.CANCELLED);
    assertThat(store.deliveries(id)).allSatisfy(d -> assertThat(d.attempts()).hasSize(1));
  }

  @Test
  void unclaimGivesWorkBackWithoutAnAttempt() throws Exception {
    QueueId id = queue("a@one.example");
    DeliveryJob job = store.claimDue(T0, 10, LEASE).getFirst();
    store.unclaim(job, T0.plusSeconds(30));
    assertThat(store.claimDue(T0.plusSeconds(29), 10, LEASE)).isEmpty();
    assertThat(store.claimDue(T0.plusSeconds(30), 10, LEASE)).hasSize(1);
    assertThat(store.deliveries(id).getFirst().attempts()).isEmpty();
  }
}
