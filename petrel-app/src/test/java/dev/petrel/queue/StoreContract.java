package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.accounts.Account;
import dev.petrel.accounts.AccountStore;
import dev.petrel.accounts.LoginStore;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.webhooks.Webhook;
import dev.petrel.webhooks.WebhookDelivery;
import dev.petrel.webhooks.WebhookStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every store back end guarantees, whatever it is built on. A back end's test extends this
 * class and says how to open a store; every test may open several instances on the same database,
 * as several nodes (or several processes on one machine) would.
 *
 * <p>The concurrent tests do not rely on timing: they count what each claimer got and check that no
 * piece of work went to two of them and none was lost.
 */
public abstract class StoreContract {

  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(10);

  /**
   * Opens one more store instance on this test's database (a fresh one per test), with a clock
   * standing at {@link #T}, for the node of that name (the name its leases carry).
   */
  protected abstract Store openStore(String node) throws StorageException;

  private static AccountStore accounts(Store store) {
    return store.accounts();
  }

  private static WebhookStore webhooks(Store store) {
    return store.webhooks();
  }

  private final List<Store> opened = new ArrayList<>();

  @AfterEach
  void closeStores() throws Exception {
    for (Store s : opened) s.close();
  }

  private Store store() throws StorageException {
    return store("node-1");
  }

  private Store store(String node) throws StorageException {
    Store s = openStore(node);
    opened.add(s);
    return s;
  }

  static Envelope envelope(String account, String... recipients) {
    return new Envelope(
        EmailAddress.parse("sender@example.com"),
        java.util.stream.Stream.of(recipients)
            .map(r -> Recipient.of(EmailAddress.parse(r)))
            .toList(),
        "8BITMIME",
        false,
        null,
        null,
        account,
        null,
        "192.0.2.7",
        "client.example");
  }

  static QueueId commit(Store store, Envelope envelope, String body) throws Exception {
    try (Spool spool = store.begin(envelope)) {
      spool.body().write(body.getBytes(StandardCharsets.UTF_8));
      return spool.commit();
    }
  }

  static AttemptRecord attempt(Instant at, int code) {
    return new AttemptRecord(
        at,
        "mx.example.org",
        "192.0.2.25",
        null,
        "rcpt",
        code,
        null,
        "reply " + code,
        null,
        null,
        code >= 400 ? "retry" : "sent");
  }

  private static String key(DeliveryJob job, DeliveryJob.JobRecipient r) {
    return job.message().id().value() + "/" + r.position();
  }

  private static RecipientState state(Store store, QueueId id, int position)
      throws StorageException {
    return store.find(id).orElseThrow().recipients().get(position).state();
  }

  // ---- intake ----

  @Test
  void keptMtaStsPoliciesAreReplacedPerDomain() throws Exception {
    Store st = store();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(st.keptPolicy("a.example")).isEmpty();
    st.keepPolicy(new KeptPolicy("a.example", "one", "version: STSv1\r\n", t, t.plusSeconds(60)));
    st.keepPolicy(
        new KeptPolicy(
            "a.example", "two", "version: STSv1\r\nmode: none\r\n", t, t.plusSeconds(90)));
    st.keepPolicy(new KeptPolicy("b.example", "b", "x", t, t));
    KeptPolicy a = st.keptPolicy("a.example").orElseThrow();
    assertThat(a.id()).isEqualTo("two");
    assertThat(a.policy()).endsWith("mode: none\r\n");
    assertThat(a.expires()).isEqualTo(t.plusSeconds(90));
    assertThat(st.keptPolicy("b.example").orElseThrow().id()).isEqualTo("b");
  }

  @Test
  void anAttemptKeepsItsTlsFacts() throws Exception {
    Store st = store();
    QueueId id = commit(st, envelope("acme", "a@one.example"), "x\r\n");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    st.recordReport(
        id,
        0,
        new AttemptRecord(
            t,
            "mx.one.example",
            "192.0.2.1",
            "TLSv1.3 TLS_AES_128_GCM_SHA256",
            "starttls",
            null,
            "4.7.5",
            "4.7.5 the TLS certificate fails",
            "soft",
            "securityerror",
            "next-server",
            "none",
            "mta-sts enforce id=1",
            "certificate-host-mismatch: the certificate is for mx.other.example"),
        false);
    AttemptRecord a = st.deliveries(id).getFirst().attempts().getFirst();
    assertThat(a.tlsVerified()).isEqualTo("none");
    assertThat(a.tlsPolicy()).isEqualTo("mta-sts enforce id=1");
    assertThat(a.tlsProblem()).startsWith("certificate-host-mismatch");
  }

  @Test
  void aCommittedMessageIsThereWithItsBodyAndRecipientsAfterReopening() throws Exception {
    Store first = openStore("node-1");
    String body = "Subject: kept\r\n\r\n" + "line of the body\r\n".repeat(10_000);
    QueueId id = commit(first, envelope("acme", "a@one.example", "b@two.example"), body);
    first.close();

    Store again = store();
    StoredMessage m = again.find(id).orElseThrow();
    assertThat(m.account()).isEqualTo("acme");
    assertThat(m.recipients())
        .extracting(r -> r.address().toString())
        .containsExactly("a@one.example", "b@two.example");
    assertThat(m.recipients()).allMatch(r -> r.state() == RecipientState.QUEUED);
    try (InputStream in = again.openBody(id)) {
      String stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(stored).endsWith(body);
    }
  }

  // ---- delivery queue ----

  @Test
  void concurrentClaimersOnSeveralThreadsAndInstancesNeverShareARecipient() throws Exception {
    Store seed = store();
    int messages = 80;
    for (int i = 0; i < messages; i++)
      commit(seed, envelope("acme", "a" + i + "@one.example", "b" + i + "@two.example"), "x\r\n");
    int total = messages * 2;

    List<Store> nodes = List.of(seed, store("node-2"), store("node-3"));
    int perNode = 3;
    int claimers = nodes.size() * perNode;
    Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(claimers);
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (Store node : nodes)
        for (int t = 0; t < perNode; t++)
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    int mine = 0;
                    while (true) {
                      List<DeliveryJob> jobs = node.claimDue(T.plusSeconds(1), 7, LEASE);
                      if (jobs.isEmpty()) return mine;
                      for (DeliveryJob j : jobs)
                        for (DeliveryJob.JobRecipient r : j.recipients()) {
                          claims
                              .computeIfAbsent(key(j, r), k -> new AtomicInteger())
                              .incrementAndGet();
                          mine++;
                        }
                    }
                  }));
      int sum = 0;
      for (Future<Integer> f : done) sum += f.get();
      assertThat(sum).as("claims in all").isEqualTo(total);
    } finally {
      pool.shutdownNow();
    }
    assertThat(claims).hasSize(total);
    assertThat(claims.values()).allMatch(n -> n.get() == 1, "each recipient claimed once");
    // All leased: nothing is due again before the leases run out.
    assertThat(seed.claimDue(T.plus(LEASE).minusSeconds(1), 1000, LEASE)).isEmpty();
  }

  @Test
  void onlyTheHolderOfTheLeaseRecordsAStaleHolderIsRefused() throws Exception {
    Store a = store();
    Store b = store();
    QueueId id = commit(a, envelope("acme", "r@one.example"), "x\r\n");
    DeliveryJob stale = a.claimDue(T, 10, Duration.ofMinutes(1)).getFirst();
    // The lease ran out (the holder hung); another node takes the recipient.
    Instant later = T.plus(Duration.ofMinutes(2));
    DeliveryJob fresh = b.claimDue(later, 10, LEASE).getFirst();
    assertThat(fresh.message().id()).isEqualTo(id);
    assertThat(fresh.leaseId()).isNotEqualTo(stale.leaseId());

    boolean staleWrote =
        a.recordAttempt(
            stale, 0, attempt(later, 250), RecipientUpdate.finalState(RecipientState.DELIVERED));
    assertThat(staleWrote).as("the stale holder's record is refused").isFalse();
    assertThat(state(a, id, 0)).isEqualTo(RecipientState.QUEUED);
    assertThat(a.deliveries(id).getFirst().attempts()).as("nothing written").isEmpty();

    boolean holderWrote =
        b.recordAttempt(
            fresh,
            0,
            attempt(later, 451),
            RecipientUpdate.deferred(later.plus(Duration.ofMinutes(5))));
    assertThat(holderWrote).isTrue();
    assertThat(state(a, id, 0)).isEqualTo(RecipientState.DEFERRED);
    assertThat(a.deliveries(id).getFirst().attempts()).hasSize(1);
    // Recording ends the lease: a second record with the same job is refused.
    assertThat(
            b.recordAttempt(
                fresh,
                0,
                attempt(later, 250),
                RecipientUpdate.finalState(RecipientState.DELIVERED)))
        .isFalse();
  }

  @Test
  void aNodeReleasesItsOwnLeasesAndNoOtherNodes() throws Exception {
    Store a = store("node-a");
    Store b = store("node-b");
    for (int i = 0; i < 4; i++) commit(a, envelope("acme", "r" + i + "@one.example"), "x");
    List<DeliveryJob> mine = a.claimDue(T, 2, LEASE);
    List<DeliveryJob> theirs = b.claimDue(T, 2, LEASE);
    assertThat(mine).hasSize(2);
    assertThat(theirs).hasSize(2);

    Instant restart = T.plusSeconds(5);
    assertThat(a.releaseLeases(restart)).isEqualTo(2);
    List<DeliveryJob> again = b.claimDue(restart, 10, LEASE);
    assertThat(again)
        .extracting(j -> j.message().id())
        .as("only node a's work is due again")
        .containsExactlyInAnyOrderElementsOf(mine.stream().map(j -> j.message().id()).toList());
    assertThat(again)
        .flatExtracting(DeliveryJob::recipients)
        .allMatch(DeliveryJob.JobRecipient::possibleDuplicate);
    // Node b still holds its own claims and records them.
    for (DeliveryJob j : theirs)
      assertThat(
              b.recordAttempt(
                  j,
                  0,
                  attempt(restart, 250),
                  RecipientUpdate.finalState(RecipientState.DELIVERED)))
          .isTrue();
    // A released lease is no longer its old holder's.
    assertThat(
            a.recordAttempt(
                mine.getFirst(),
                0,
                attempt(restart, 250),
                RecipientUpdate.finalState(RecipientState.DELIVERED)))
        .isFalse();
  }

  @Test
  void aCancelDuringAClaimWinsAndALaterRecordDoesNotResurrectIt() throws Exception {
    Store a = store();
    Store b = store();
    QueueId id = commit(a, envelope("acme", "r@one.example", "s@one.example"), "x\r\n");
    DeliveryJob job = a.claimDue(T, 10, LEASE).getFirst();
    assertThat(b.cancel(new Selection(List.of(id), null, null), T.plusSeconds(1))).isEqualTo(2);

    assertThat(
            a.recordAttempt(
                job,
                0,
                attempt(T.plusSeconds(2), 451),
                RecipientUpdate.deferred(T.plus(Duration.ofMinutes(5)))))
        .as("the attempt is recorded")
        .isTrue();
    assertThat(
            a.recordAttempt(
                job,
                1,
                attempt(T.plusSeconds(2), 550),
                RecipientUpdate.finalState(RecipientState.BOUNCED)))
        .isTrue();
    assertThat(state(b, id, 0)).isEqualTo(RecipientState.CANCELLED);
    assertThat(state(b, id, 1)).isEqualTo(RecipientState.CANCELLED);
    assertThat(b.deliveries(id)).allMatch(d -> d.attempts().size() == 1);
    assertThat(b.claimDue(T.plus(Duration.ofDays(30)), 10, LEASE)).isEmpty();
  }

  @Test
  void aRecipientOnItsAccountsSuppressionListIsSuppressedAtClaimAndNeverHandedOut()
      throws Exception {
    Store a = store();
    a.addSuppression(new Suppression("acme", "gone@one.example", "userunknown", null, T));
    a.addSuppression(new Suppression("other", "kept@one.example", "userunknown", null, T));
    QueueId id =
        commit(
            a, envelope("acme", "gone@one.example", "kept@one.example", "GONE@One.Example"), "x");

    List<DeliveryJob> jobs = a.claimDue(T, 10, LEASE);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.getFirst().recipients())
        .extracting(DeliveryJob.JobRecipient::position)
        .as("another account's list does not apply")
        .containsExactly(1);
    assertThat(state(a, id, 0)).isEqualTo(RecipientState.SUPPRESSED);
    assertThat(state(a, id, 2)).isEqualTo(RecipientState.SUPPRESSED);
    assertThat(a.deliveries(id).getFirst().attempts().getFirst().action()).isEqualTo("suppress");
    assertThat(a.claimDue(T.plus(Duration.ofDays(30)), 10, LEASE))
        .flatExtracting(DeliveryJob::recipients)
        .extracting(DeliveryJob.JobRecipient::position)
        .containsExactly(1);
  }

  // ---- webhooks ----

  @Test
  void concurrentDispatchersDeliverEachEventExactlyOnce() throws Exception {
    Store seed = store();
    AccountStore accounts = accounts(seed);
    accounts.createAccount(new Account("acme", "free", T));
    accounts.createAccount(new Account("other", "free", T));
    Webhook hook =
        new Webhook("wh_1", "acme", "http://127.0.0.1:9/hook", "whsec_AAAA", List.of(), false, T);
    webhooks(seed).createWebhook(hook);
    int events = 120;
    for (int i = 0; i < events; i++) {
      accounts.addEvent(T, "acme", "quota.warning", null, "{\"n\":" + i + "}");
      accounts.addEvent(T, "other", "quota.warning", null, "{\"n\":" + i + "}");
    }

    List<Store> nodes = List.of(seed, store());
    int perNode = 3;
    Map<Long, AtomicInteger> sent = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(nodes.size() * perNode);
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * perNode);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Store node : nodes)
        for (int t = 0; t < perNode; t++)
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    dispatch(webhooks(node), hook, sent);
                    return null;
                  }));
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(sent).as("every event of the account, none of another's").hasSize(events);
    assertThat(sent.values()).allMatch(n -> n.get() == 1, "each event delivered once");
    assertThat(webhooks(seed).deliveries("wh_1", 1000)).hasSize(events);
  }

  /** One dispatcher: takes work until none is left, "delivers" it (counts) and records it. */
  protected void dispatch(WebhookStore hooks, Webhook hook, Map<Long, AtomicInteger> sent)
      throws StorageException {
    int idle = 0;
    while (idle < 3) {
      List<WebhookStore.Pending> due = hooks.claim(hook.id(), T, 7, LEASE);
      if (due.isEmpty()) {
        idle++;
        continue;
      }
      idle = 0;
      for (WebhookStore.Pending p : due) {
        sent.computeIfAbsent(p.event().id(), k -> new AtomicInteger()).incrementAndGet();
        boolean recorded =
            hooks.recordTry(
                p,
                new WebhookDelivery(
                    0,
                    hook.id(),
                    p.event().id(),
                    p.event().type(),
                    p.attempts() + 1,
                    T,
                    204,
                    null,
                    1,
                    null,
                    WebhookDelivery.State.DELIVERED));
        assertThat(recorded).isTrue();
      }
    }
  }

  @Test
  void aWebhookTryIsRecordedOnlyByTheClaimHoldingTheEvent() throws Exception {
    Store a = store();
    Store b = store();
    accounts(a).createAccount(new Account("acme", "free", T));
    Webhook hook =
        new Webhook("wh_1", "acme", "http://127.0.0.1:9/hook", "whsec_AAAA", List.of(), false, T);
    webhooks(a).createWebhook(hook);
    accounts(a).addEvent(T, "acme", "quota.warning", null, null);
    WebhookStore.Pending stale = webhooks(a).claim("wh_1", T, 10, Duration.ofMinutes(1)).getFirst();
    assertThat(webhooks(b).claim("wh_1", T.plusSeconds(30), 10, LEASE)).as("leased").isEmpty();
    Instant later = T.plus(Duration.ofMinutes(2));
    WebhookStore.Pending fresh = webhooks(b).claim("wh_1", later, 10, LEASE).getFirst();
    assertThat(fresh.event().id()).isEqualTo(stale.event().id());
    WebhookDelivery delivered =
        new WebhookDelivery(
            0,
            "wh_1",
            stale.event().id(),
            "quota.warning",
            1,
            later,
            204,
            null,
            1,
            null,
            WebhookDelivery.State.DELIVERED);
    assertThat(webhooks(a).recordTry(stale, delivered)).isFalse();
    assertThat(webhooks(a).deliveries("wh_1", 10)).as("nothing logged").isEmpty();
    assertThat(webhooks(b).recordTry(fresh, delivered)).isTrue();
    assertThat(webhooks(a).deliveries("wh_1", 10)).hasSize(1);
    assertThat(webhooks(a).due("wh_1", later.plus(Duration.ofDays(1)), 10)).isEmpty();
  }

  @Test
  void aWebhookCannotBeCreatedForAnAccountThatDoesNotExist() throws Exception {
    Store a = store();
    Webhook hook =
        new Webhook("wh_1", "nobody", "http://127.0.0.1:9/hook", "whsec_AAAA", List.of(), false, T);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> webhooks(a).createWebhook(hook))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nobody");
    assertThat(webhooks(a).webhooks(null)).isEmpty();
  }

  @Test
  void eventsRecordedAtOnceByTwoNodesAreAllHandedOutNoneSkipped() throws Exception {
    Store a = store();
    Store b = store();
    accounts(a).createAccount(new Account("acme", "free", T));
    Webhook hook =
        new Webhook("wh_1", "acme", "http://127.0.0.1:9/hook", "whsec_AAAA", List.of(), false, T);
    webhooks(a).createWebhook(hook);
    // Two nodes record events at the same time.
    int perNode = 60;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Store node : List.of(a, b))
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perNode; i++)
                    accounts(node).addEvent(T, "acme", "quota.warning", null, null);
                  return null;
                }));
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    Map<Long, AtomicInteger> sent = new ConcurrentHashMap<>();
    dispatch(webhooks(b), hook, sent);
    assertThat(sent).hasSize(2 * perNode);
  }

  // ---- accounts ----

  @Test
  void quotaCountsEveryAcceptedRecipient() throws Exception {
    Store a = store();
    Store b = store();
    accounts(a).createAccount(new Account("acme", "free", T));
    int threads = 6;
    int each = 10;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Store node = t % 2 == 0 ? a : b;
        int n = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++)
                    commit(
                        node,
                        envelope("acme", "r" + n + "-" + i + "@one.example", "x@two.example"),
                        "x");
                  return null;
                }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    java.time.YearMonth month = java.time.YearMonth.from(T.atOffset(java.time.ZoneOffset.UTC));
    assertThat(accounts(b).usage("acme", month)).isEqualTo((long) threads * each * 2);
  }

  @Test
  void concurrentMessagesWithNLeftInTheQuotaExactlyNAreKept() throws Exception {
    Store a = store();
    Store b = store("node-2");
    accounts(a).createAccount(new Account("acme", "free", T));
    commit(a, envelope("acme", "early@one.example", "early2@one.example"), "x");
    long limit = 12; // 10 left
    int tries = 16;
    CyclicBarrier start = new CyclicBarrier(tries);
    ExecutorService pool = Executors.newFixedThreadPool(tries);
    AtomicInteger kept = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < tries; t++) {
        Store node = t % 2 == 0 ? a : b;
        int n = t;
        done.add(
            pool.submit(
                () -> {
                  try (Spool spool = node.begin(envelope("acme", "r" + n + "@one.example"))) {
                    spool.body().write("x\r\n".getBytes(StandardCharsets.US_ASCII));
                    start.await();
                    spool.commit(limit);
                    kept.incrementAndGet();
                  } catch (QuotaExceededException e) {
                    assertThat(e.limit()).isEqualTo(limit);
                    refused.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(kept.get()).isEqualTo(10);
    assertThat(refused.get()).isEqualTo(tries - 10);
    java.time.YearMonth month = java.time.YearMonth.from(T.atOffset(java.time.ZoneOffset.UTC));
    assertThat(accounts(b).usage("acme", month)).isEqualTo(limit);
    assertThat(a.list(100)).as("refused messages left nothing").hasSize(11);
    // Another account's count is its own.
    commit(a, envelope("other", "x@one.example"), "x");
    assertThat(accounts(b).usage("acme", month)).isEqualTo(limit);
  }

  @Test
  void ofConcurrentRequestsWithOneIdempotencyKeyExactlyOneIsCarriedOut() throws Exception {
    Store a = store();
    Store b = store("node-2");
    accounts(a).createAccount(new Account("acme", "free", T));
    int tries = 8;
    CyclicBarrier start = new CyclicBarrier(tries);
    ExecutorService pool = Executors.newFixedThreadPool(tries);
    List<Future<java.util.Optional<AccountStore.IdempotentAnswer>>> answers = new ArrayList<>();
    try {
      for (int t = 0; t < tries; t++) {
        Store node = t % 2 == 0 ? a : b;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return accounts(node).reserveIdempotent("acme", "k1", "fp", T);
                }));
      }
      int owners = 0;
      for (var f : answers) {
        var answer = f.get();
        if (answer.isEmpty()) owners++;
        else assertThat(answer.get().status()).as("in progress").isZero();
      }
      assertThat(owners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    var stored = new AccountStore.IdempotentAnswer("fp", 202, "{\"id\":\"one\"}");
    accounts(a).saveIdempotent("acme", "k1", stored, T);
    assertThat(accounts(b).reserveIdempotent("acme", "k1", "fp", T.plusSeconds(5)))
        .contains(stored);
    // Another account's key of the same name is its own; a failed request gives its key back.
    assertThat(accounts(b).reserveIdempotent("other", "k1", "fp", T)).isEmpty();
    accounts(b).releaseIdempotent("other", "k1");
    assertThat(accounts(a).reserveIdempotent("other", "k1", "fp", T)).isEmpty();
    // After the retention the key is new again.
    assertThat(
            accounts(a)
                .reserveIdempotent(
                    "acme", "k1", "fp", T.plus(AccountStore.IDEMPOTENCY_RETENTION).plusSeconds(1)))
        .isEmpty();
  }

  @Test
  void anIdempotencyKeyKeepsTheFirstAnswer() throws Exception {
    Store a = store();
    Store b = store();
    accounts(a).createAccount(new Account("acme", "free", T));
    var first = new AccountStore.IdempotentAnswer("fp", 202, "{\"id\":\"first\"}");
    var second = new AccountStore.IdempotentAnswer("fp", 202, "{\"id\":\"second\"}");
    accounts(a).saveIdempotent("acme", "k1", first, T);
    // A second node that raced the first one must not replace its answer.
    accounts(b).saveIdempotent("acme", "k1", second, T.plusSeconds(1));
    assertThat(accounts(b).idempotent("acme", "k1", T.minus(Duration.ofHours(24)))).contains(first);
    assertThat(accounts(b).idempotent("other", "k1", T.minus(Duration.ofHours(24))))
        .as("another account's key")
        .isEmpty();
  }

  @Test
  void everyInstanceEndsUpWithTheSameSecret() throws Exception {
    List<Store> nodes = List.of(store("node-1"), store("node-2"));
    int proposers = 8;
    CyclicBarrier start = new CyclicBarrier(proposers);
    ExecutorService pool = Executors.newFixedThreadPool(proposers);
    List<java.util.concurrent.Future<byte[]>> got = new ArrayList<>();
    try {
      for (int i = 0; i < proposers; i++) {
        Store node = nodes.get(i % nodes.size());
        byte[] proposed = new byte[32];
        java.util.Arrays.fill(proposed, (byte) i);
        got.add(
            pool.submit(
                () -> {
                  start.await();
                  return node.secrets().secret("verp", proposed);
                }));
      }
      byte[] first = got.getFirst().get();
      for (var f : got) assertThat(f.get()).as("one secret for all").isEqualTo(first);
      assertThat(store("node-3").secrets().secret("verp")).hasValue(first);
      assertThat(nodes.getFirst().secrets().secret("other")).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLoginNameIsOneLoginAndAnAccountTouchesOnlyItsOwn() throws Exception {
    Store a = store("node-1");
    Store b = store("node-2");
    LoginStore.Login acme =
        new LoginStore.Login("app@example.com", "acme", "pbkdf2-sha256$1$a$b", T);
    assertThat(a.logins().addLogin(acme)).isTrue();
    assertThat(b.logins().login("app@example.com")).hasValue(acme);
    assertThat(
            b.logins()
                .addLogin(
                    new LoginStore.Login(
                        "app@example.com", "rival", "pbkdf2-sha256$1$c$d", T.plusSeconds(1))))
        .as("the name is taken, whatever the account")
        .isFalse();
    assertThat(b.logins().addLogin(new LoginStore.Login("x@rival.test", "rival", "h", T))).isTrue();
    assertThat(a.logins().logins("acme")).containsExactly(acme);
    assertThat(a.logins().logins(null)).extracting(LoginStore.Login::user).hasSize(2);
    assertThat(b.logins().removeLogin("app@example.com", "rival"))
        .as("another account's login")
        .isFalse();
    assertThat(a.logins().login("app@example.com")).hasValue(acme);
    assertThat(b.logins().removeLogin("app@example.com", "acme")).isTrue();
    assertThat(a.logins().login("app@example.com")).isEmpty();
    assertThat(a.logins().removeLogin("x@rival.test", null)).isTrue();
    assertThat(a.logins().logins(null)).isEmpty();
  }
}
