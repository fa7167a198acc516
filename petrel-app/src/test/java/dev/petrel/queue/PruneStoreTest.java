package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pruning on the real embedded store, with a clock the test sets: which messages go (finished and
 * last changed before the cut-off) and which stay (waiting, held, in flight, changed later, events
 * a webhook still has to send), what goes with them (rows, body file, events), what stays
 * (suppressions) and that statistics answer the same before and after.
 */
class PruneStoreTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Instant CUTOFF = T0.plus(Duration.ofHours(2));
  static final Duration LEASE = Duration.ofMinutes(10);
  static final Instant DAY = Instant.parse("2026-03-01T00:00:00Z");

  @TempDir Path dir;
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

  static Envelope envelope(String account, String... rcpts) {
    return new Envelope(
        EmailAddress.parse("sender@example.com"),
        Stream.of(rcpts).map(r -> Recipient.of(EmailAddress.parse(r))).toList(),
        "8BITMIME",
        false,
        null,
        null,
        account,
        null,
        "192.0.2.7",
        "client.example",
        Envelope.SOURCE_API);
  }

  QueueId accept(String account, byte[] body, String... rcpts) throws Exception {
    return QueueTestSupport.commit(store, envelope(account, rcpts), body);
  }

  static byte[] small() {
    return QueueTestSupport.message("hi", "body\r\n");
  }

  /** Over the 64 KiB kept inline: the body is a file in the spool. */
  static byte[] large() {
    return QueueTestSupport.message("big", ("y".repeat(998) + "\r\n").repeat(100));
  }

  static AttemptRecord attempt(Instant at, int code, String enhanced, String reason) {
    return new AttemptRecord(
        at,
        "mx.example.org",
        "192.0.2.25",
        null,
        "rcpt",
        code,
        enhanced,
        "reply " + code,
        code >= 500 ? "hard" : code >= 400 ? "soft" : null,
        reason,
        code >= 500 ? "bounce" : code >= 400 ? "retry" : "deliver");
  }

  /** Claims the message's recipients due at {@code at} (only this message is due). */
  DeliveryJob claim(QueueId id, Instant at) throws Exception {
    List<DeliveryJob> jobs = store.claimDue(at, 100, LEASE);
    assertThat(jobs).allSatisfy(j -> assertThat(j.message().id()).isEqualTo(id));
    assertThat(jobs).hasSize(1);
    return jobs.getFirst();
  }

  void record(QueueId id, Instant at, int code, String enhanced, String reason, RecipientUpdate u)
      throws Exception {
    DeliveryJob job = claim(id, at);
    for (DeliveryJob.JobRecipient r : job.recipients())
      assertThat(store.recordAttempt(job, r.position(), attempt(at, code, enhanced, reason), u))
          .isTrue();
  }

  long count(String sql, String id) throws Exception {
    return store.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        },
        "counting");
  }

  @Test
  void finishedOldMessagesGoWithTheirRowsAndBodyWhileStatisticsStayTheSame() throws Exception {
    Instant m1 = T0.plusSeconds(60);
    Instant m10 = T0.plusSeconds(600);
    // A (acme): a big body; one recipient deferred once then bounced, the other delivered.
    QueueId a = accept("acme", large(), "gone@two.example");
    record(a, m1, 451, "4.7.1", "greylisted", RecipientUpdate.deferred(m10));
    record(a, m10, 550, "5.1.1", "userunknown", RecipientUpdate.finalState(RecipientState.BOUNCED));
    store.addSuppression(new Suppression("acme", "gone@two.example", "userunknown", null, m10));
    QueueId a2 = accept("acme", small(), "ok@one.example", "ok2@one.example");
    record(a2, m1, 250, "2.0.0", null, RecipientUpdate.finalState(RecipientState.DELIVERED));
    // B (acme): the same age, still deferred (its retry is days away).
    QueueId b = accept("acme", small(), "later@three.example");
    record(
        b, m1, 421, "4.3.0", "systemerror", RecipientUpdate.deferred(T0.plus(Duration.ofDays(10))));
    // C (acme): delivered, then held by an operator.
    QueueId c = accept("acme", small(), "held@one.example");
    record(c, m1, 250, "2.0.0", null, RecipientUpdate.finalState(RecipientState.DELIVERED));
    store.hold(c);
    // E (other): delivered; another account's statistics.
    QueueId e = accept("other", small(), "x@four.example");
    record(e, m1, 250, "2.0.0", null, RecipientUpdate.finalState(RecipientState.DELIVERED));
    // F (acme): accepted as old, but its last change (a late delivery) is after the cut-off.
    QueueId f = accept("acme", small(), "slow@five.example");
    record(
        f,
        CUTOFF.plusSeconds(60),
        250,
        "2.0.0",
        null,
        RecipientUpdate.finalState(RecipientState.DELIVERED));
    // D (acme): in flight (claimed, no attempt recorded yet).
    QueueId d = accept("acme", small(), "flight@one.example");
    claim(d, m1);

    assertThat(QueueTestSupport.spoolFiles(dir)).hasSize(1);
    Statistics acmeHourly = stats("acme", Duration.ofHours(1));
    Statistics acmeDaily = stats("acme", Duration.ofDays(1));
    Statistics otherDaily = stats("other", Duration.ofDays(1));
    assertThat(acmeDaily.buckets().getFirst().delivered()).isEqualTo(4);
    assertThat(acmeDaily.buckets().getFirst().bounced()).isEqualTo(1);
    assertThat(acmeDaily.buckets().getFirst().deferred()).isEqualTo(2);
    assertThat(acmeDaily.domains())
        .extracting(Statistics.DomainCount::domain)
        .contains("two.example");

    Pruned expected = store.prunable(CUTOFF);
    assertThat(expected.messages()).isEqualTo(3);
    assertThat(expected.recipients()).isEqualTo(4);

    Pruned done = store.prune(CUTOFF, 1);
    assertThat(done.messages()).isEqualTo(3);
    assertThat(done.recipients()).isEqualTo(4);
    assertThat(done.bytes()).isEqualTo(expected.bytes()).isGreaterThan(100_000);

    for (QueueId gone : List.of(a, a2, e)) {
      assertThat(store.find(gone)).isEmpty();
      assertThat(store.deliveries(gone)).isEmpty();
      assertThat(count("SELECT COUNT(*) FROM events WHERE message_id = ?", gone.value())).isZero();
      assertThat(count("SELECT COUNT(*) FROM attempts WHERE message_id = ?", gone.value()))
          .isZero();
      assertThat(count("SELECT COUNT(*) FROM recipients WHERE message_id = ?", gone.value()))
          .isZero();
    }
    assertThat(QueueTestSupport.spoolFiles(dir)).isEmpty();
    for (QueueId kept : List.of(b, c, d, f)) {
      assertThat(store.find(kept)).isPresent();
      try (var in = store.openBody(kept)) {
        assertThat(in.readAllBytes()).isNotEmpty();
      }
    }
    assertThat(store.find(d).orElseThrow().recipients().getFirst().state())
        .isEqualTo(RecipientState.QUEUED);
    assertThat(store.findSuppression("acme", "gone@two.example")).isPresent();

    assertThat(stats("acme", Duration.ofHours(1))).isEqualTo(acmeHourly);
    assertThat(stats("acme", Duration.ofDays(1))).isEqualTo(acmeDaily);
    assertThat(stats("other", Duration.ofDays(1))).isEqualTo(otherDaily);
    // Nothing of one account's pruned mail shows in another's statistics.
    assertThat(otherDaily.buckets().getFirst().delivered()).isEqualTo(1);
    assertThat(otherDaily.domains())
        .extracting(Statistics.DomainCount::domain)
        .containsExactly("four.example");
    assertThat(otherDaily.reasons()).isEmpty();

    assertThat(store.prune(CUTOFF, 1)).isEqualTo(Pruned.NONE);
    assertThat(store.prunable(CUTOFF).messages()).isZero();
  }

  @Test
  void aMessageStaysWhileAWebhookStillHasToSendOneOfItsEvents() throws Exception {
    store.accounts().createAccount(new Account("acme", "free", T0));
    Webhook hook =
        new Webhook("wh_1", "acme", "http://127.0.0.1:9/hook", "whsec_AAAA", List.of(), false, T0);
    store.webhooks().createWebhook(hook);
    QueueId a = accept("acme", small(), "ok@one.example");
    record(
        a,
        T0.plusSeconds(60),
        250,
        "2.0.0",
        null,
        RecipientUpdate.finalState(RecipientState.DELIVERED));

    // In the webhook's outbox (written with the event), not yet sent: stays.
    assertThat(store.prune(CUTOFF, 10).messages()).isZero();
    assertThat(store.find(a)).isPresent();
    WebhookStore.Pending p =
        store
            .webhooks()
            .claim("wh_1", T0.plusSeconds(120), 10, java.time.Duration.ofMinutes(5))
            .getFirst();
    store
        .webhooks()
        .recordTry(
            p,
            new WebhookDelivery(
                0,
                "wh_1",
                p.event().id(),
                p.event().type(),
                1,
                T0.plusSeconds(120),
                204,
                null,
                3,
                null,
                WebhookDelivery.State.DELIVERED));
    // Sent: the message goes, and the log line of the try (older than the cut-off) with it.
    Pruned done = store.prune(CUTOFF, 10);
    assertThat(done.messages()).isEqualTo(1);
    assertThat(done.webhookLog()).isEqualTo(1);
    assertThat(store.find(a)).isEmpty();
    assertThat(store.webhooks().deliveries("wh_1", 10)).isEmpty();
  }

  /**
   * Many finished messages go in batches, each a short write of its own: the figures (messages,
   * batches, the longest and the mean time one batch held the writer) are printed, not asserted.
   * {@code -Dpetrel.prune.messages=N} sets how many (default 1,000).
   */
  @Test
  void manyFinishedMessagesGoInShortBatches() throws Exception {
    int n = Integer.getInteger("petrel.prune.messages", 1000);
    for (int i = 0; i < n; i++)
      accept(i % 2 == 0 ? "acme" : "other", small(), "r" + i + "@d" + (i % 7) + ".example");
    QueueId waiting = accept("acme", small(), "waiting@one.example");
    Instant at = T0.plusSeconds(60);
    int recorded = 0;
    while (recorded < n + 1) {
      List<DeliveryJob> jobs = store.claimDue(at, 500, LEASE);
      assertThat(jobs).isNotEmpty();
      for (DeliveryJob job : jobs)
        for (DeliveryJob.JobRecipient r : job.recipients()) {
          boolean keep = job.message().id().equals(waiting);
          int code = keep ? 451 : r.position() % 3 == 0 ? 550 : 250;
          RecipientUpdate u =
              keep
                  ? RecipientUpdate.deferred(T0.plus(Duration.ofDays(10)))
                  : RecipientUpdate.finalState(
                      code == 550 ? RecipientState.BOUNCED : RecipientState.DELIVERED);
          store.recordAttempt(
              job,
              r.position(),
              attempt(
                  at,
                  code,
                  code == 250 ? "2.0.0" : code == 550 ? "5.1.1" : "4.7.1",
                  code == 250 ? null : code == 550 ? "userunknown" : "greylisted"),
              u);
          recorded++;
        }
    }
    Statistics acme = stats("acme", Duration.ofHours(1));
    Statistics other = stats("other", Duration.ofDays(1));

    List<String> ids =
        store
            .read(
                c ->
                    PruneRows.candidates(
                        c, CUTOFF.toEpochMilli(), PruneRows.Position.START, n + 10),
                "listing")
            .stream()
            .map(PruneRows.Candidate::id)
            .toList();
    long longest = 0;
    long total = 0;
    long work = 0;
    int batches = 0;
    int deleted = 0;
    for (int from = 0; from < ids.size(); from += dev.petrel.schedule.RetentionJob.BATCH) {
      List<String> batch =
          ids.subList(from, Math.min(ids.size(), from + dev.petrel.schedule.RetentionJob.BATCH));
      long t0 = System.nanoTime();
      long[] inside = new long[1];
      PruneRows.Batch b =
          store
              .writer()
              .call(
                  c -> {
                    long s0 = System.nanoTime();
                    PruneRows.Batch r = PruneRows.delete(c, batch, CUTOFF.toEpochMilli());
                    inside[0] = System.nanoTime() - s0;
                    return r;
                  },
                  false,
                  "pruning");
      work += inside[0];
      long took = System.nanoTime() - t0;
      for (String id : b.ids()) store.files().deleteQuietly(QueueId.parse(id));
      longest = Math.max(longest, took);
      total += took;
      batches++;
      deleted += b.ids().size();
    }
    System.out.printf(
        "pruned %d messages in %d batches of %d: longest batch %.1f ms, mean %.1f ms (of which"
            + " statements %.1f ms, the rest the commit)%n",
        deleted,
        batches,
        dev.petrel.schedule.RetentionJob.BATCH,
        longest / 1e6,
        total / 1e6 / batches,
        work / 1e6 / batches);
    assertThat(deleted).isEqualTo(n);
    assertThat(store.find(waiting)).isPresent();
    assertThat(stats("acme", Duration.ofHours(1))).isEqualTo(acme);
    assertThat(stats("other", Duration.ofDays(1))).isEqualTo(other);
    assertThat(store.prune(CUTOFF, 100)).isEqualTo(Pruned.NONE);
  }

  Statistics stats(String account, Duration bucket) throws Exception {
    return store.statistics(account, DAY, DAY.plus(Duration.ofDays(1)), bucket);
  }
}
