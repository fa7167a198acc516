package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.peers.PostgresCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL store does beyond the store contract: large bodies in chunks, the queries,
 * pauses, statistics and pruning through the shared row classes in the PostgreSQL dialect, and
 * several nodes migrating one database at once.
 */
class PostgresStoreTest {

  private static final Instant T = StoreContract.T;
  private static final Duration LEASE = StoreContract.LEASE;

  private static PostgresCluster cluster;
  private String url;
  private final List<Store> opened = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = PostgresCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @BeforeEach
  void createDatabase() throws Exception {
    url = cluster.createDatabase();
  }

  @AfterEach
  void closeStores() {
    for (Store s : opened) s.close();
  }

  private Store open(String node) throws StorageException {
    Store s = Stores.open(url, QueueTestSupport.options().withNode(node), InstantSource.fixed(T));
    opened.add(s);
    return s;
  }

  private String database() {
    return url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
  }

  private long count(String sql) throws Exception {
    try (Connection c = cluster.connect(database());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aLargeBodyIsStoredInChunksReadBackWholeAndGoesWithItsMessage() throws Exception {
    Store a = open("node-a");
    Store b = open("node-b");
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    long size = 0;
    QueueId id;
    try (Spool spool = a.begin(StoreContract.envelope("acme", "r@one.example"))) {
      OutputStream out = spool.body();
      out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      written.update("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      size += 16;
      byte[] line = new byte[1000];
      for (int i = 0; i < 5000; i++) {
        java.util.Arrays.fill(line, (byte) ('a' + i % 26));
        line[998] = '\r';
        line[999] = '\n';
        out.write(line);
        written.update(line);
        size += line.length;
      }
      id = spool.commit();
    }
    long chunks = size / PostgresMessageStore.CHUNK + 1;
    assertThat(count("SELECT count(*) FROM body_chunks WHERE message_id = '" + id + "'"))
        .isEqualTo(chunks);
    assertThat(count("SELECT count(*) FROM bodies")).as("not inline").isZero();

    MessageDigest read = MessageDigest.getInstance("SHA-256");
    long readSize = 0;
    try (InputStream in = b.openBody(id)) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        read.update(buf, 0, n);
        readSize += n;
      }
    }
    assertThat(readSize).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(read.digest()))
        .isEqualTo(HexFormat.of().formatHex(written.digest()));
    assertThat(b.find(id).orElseThrow().size()).isEqualTo(size);

    assertThat(b.delete(id)).isTrue();
    assertThat(count("SELECT count(*) FROM body_chunks")).as("chunks go with the message").isZero();
    assertThatThrownBy(() -> a.openBody(id)).isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void aBodyWhoseMessageIsDeletedWhileItIsReadFailsRatherThanEndEarly() throws Exception {
    Store a = open("node-a");
    Store b = open("node-b");
    QueueId id;
    try (Spool spool = a.begin(StoreContract.envelope("acme", "r@one.example"))) {
      spool.body().write(new byte[3 * PostgresMessageStore.CHUNK + 10]);
      id = spool.commit();
    }
    try (InputStream in = a.openBody(id)) {
      assertThat(in.readNBytes(PostgresMessageStore.CHUNK)).hasSize(PostgresMessageStore.CHUNK);
      assertThat(b.delete(id)).isTrue();
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("ends after " + PostgresMessageStore.CHUNK + " of");
    }
  }

  @Test
  void aDiscardedMessageLeavesNoChunksAndNoRows() throws Exception {
    Store a = open("node-a");
    try (Spool spool = a.begin(StoreContract.envelope("acme", "r@one.example"))) {
      spool.body().write(new byte[3 * PostgresMessageStore.CHUNK]);
      assertThat(count("SELECT count(*) FROM body_chunks")).isEqualTo(3);
    }
    assertThat(count("SELECT count(*) FROM body_chunks")).isZero();
    assertThat(a.list(10)).isEmpty();
  }

  @Test
  void searchFindsBySubjectTagMetadataAndStateWithinTheAccountOnly() throws Exception {
    Store a = open("node-a");
    QueueId tagged;
    try (Spool spool = a.begin(StoreContract.envelope("acme", "r@one.example"))) {
      spool
          .body()
          .write("Subject: Ünïcode Invoice 100%\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
      spool.label(List.of("billing", "march"), "{\"customer\":\"c-42\",\"n\":42,\"vip\":true}");
      tagged = spool.commit();
    }
    QueueId plain = StoreContract.commit(a, StoreContract.envelope("acme", "s@two.example"), "x");
    StoreContract.commit(
        a, StoreContract.envelope("other", "t@one.example"), "Subject: invoice\r\n\r\nx");

    assertThat(ids(a, query("acme", "invoice 100%", null, Map.of(), null))).containsExactly(tagged);
    assertThat(ids(a, query("acme", "ÜNÏCODE", null, Map.of(), null))).containsExactly(tagged);
    assertThat(ids(a, query("acme", null, "billing", Map.of(), null))).containsExactly(tagged);
    assertThat(ids(a, query("acme", null, null, Map.of("n", "42", "vip", "true"), null)))
        .containsExactly(tagged);
    assertThat(ids(a, query("acme", null, null, Map.of("customer", "c-42"), null)))
        .containsExactly(tagged);
    assertThat(ids(a, query("acme", null, null, Map.of("customer", "c-43"), null))).isEmpty();
    assertThat(ids(a, query("acme", null, null, Map.of(), "queued")))
        .containsExactlyInAnyOrder(tagged, plain);
    assertThat(ids(a, query("nobody", null, "billing", Map.of(), null))).isEmpty();
    assertThat(ids(a, query("other", null, "billing", Map.of(), null)))
        .as("another account's tag")
        .isEmpty();
    assertThat(a.find(tagged).orElseThrow().tags()).containsExactly("billing", "march");
    assertThat(a.list(10)).hasSize(3);
  }

  private static MessageQuery query(
      String account, String subject, String tag, Map<String, String> metadata, String state) {
    return new MessageQuery(
        account, state, null, null, null, null, null, null, 50, subject, null, tag, metadata);
  }

  private static List<QueueId> ids(Store s, MessageQuery q) throws StorageException {
    return s.search(q).stream().map(StoredMessage::id).toList();
  }

  @Test
  void pauseRetryStatisticsAndPruningWorkAcrossNodes() throws Exception {
    Store a = open("node-a");
    Store b = open("node-b");
    QueueId id = StoreContract.commit(a, StoreContract.envelope("acme", "r@one.example"), "x");
    b.pause("One.Example", T);
    assertThat(a.paused()).containsExactly("one.example");
    assertThat(a.claimDue(T, 10, LEASE)).as("paused on every node").isEmpty();
    a.resume("one.example");

    DeliveryJob job = a.claimDue(T, 10, LEASE).getFirst();
    assertThat(
            a.recordAttempt(
                job,
                0,
                StoreContract.attempt(T, 451),
                RecipientUpdate.deferred(T.plus(Duration.ofHours(1)))))
        .isTrue();
    assertThat(b.retryNow(new Selection(List.of(id), null, null), T.plusSeconds(1))).isEqualTo(1);
    DeliveryJob again = b.claimDue(T.plusSeconds(1), 10, LEASE).getFirst();
    assertThat(
            b.recordAttempt(
                again,
                0,
                StoreContract.attempt(T.plusSeconds(2), 250),
                RecipientUpdate.finalState(RecipientState.DELIVERED)))
        .isTrue();
    assertThat(a.find(id).orElseThrow().recipients().getFirst().state())
        .isEqualTo(RecipientState.DELIVERED);
    assertThat(a.depth().get(RecipientState.QUEUED)).isZero();

    Statistics before =
        a.statistics("acme", T.minusSeconds(3600), T.plusSeconds(3600), Duration.ofHours(1));
    assertThat(before.buckets().stream().mapToLong(Statistics.Bucket::delivered).sum())
        .isEqualTo(1);
    assertThat(before.buckets().stream().mapToLong(Statistics.Bucket::deferred).sum()).isEqualTo(1);
    assertThat(before.codes()).extracting(Statistics.CodeCount::code).contains(250, 451);

    Instant cutoff = T.plus(Duration.ofDays(1));
    assertThat(b.prunable(cutoff).messages()).isEqualTo(1);
    Pruned pruned = b.prune(cutoff, 10);
    assertThat(pruned.messages()).isEqualTo(1);
    assertThat(a.find(id)).isEmpty();
    Statistics after =
        a.statistics("acme", T.minusSeconds(3600), T.plusSeconds(3600), Duration.ofHours(1));
    assertThat(after.buckets().stream().mapToLong(Statistics.Bucket::delivered).sum())
        .as("kept by the rollup")
        .isEqualTo(1);
    assertThat(after.buckets().stream().mapToLong(Statistics.Bucket::deferred).sum()).isEqualTo(1);
  }

  @Test
  void nodesStartingAtOnceOnAnEmptyDatabaseMigrateItOnce() throws Exception {
    int nodes = 4;
    CyclicBarrier start = new CyclicBarrier(nodes);
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      List<Future<Store>> done = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String node = "node-" + i;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return Stores.open(
                      url, QueueTestSupport.options().withNode(node), InstantSource.fixed(T));
                }));
      }
      for (Future<Store> f : done) opened.add(f.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE success AND version = '1'"))
        .isEqualTo(1);
    QueueId id =
        StoreContract.commit(opened.get(0), StoreContract.envelope("acme", "r@one.example"), "x");
    assertThat(opened.get(nodes - 1).find(id)).isPresent();
  }

  @Test
  void concurrentCommitsShareATransactionAndAFailingOneFailsAlone() throws Exception {
    PostgresMessageStore a = (PostgresMessageStore) open("a");
    Store b = open("b");
    QueueId existing =
        QueueTestSupport.commit(
            a, QueueTestSupport.envelope(), QueueTestSupport.message("first", "x"));
    int sessions = 20;
    long before = a.stats().transactions();
    List<java.util.concurrent.Future<QueueId>> good = new ArrayList<>();
    java.util.concurrent.Future<Object> bad;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(sessions + 1)) {
      try (AutoCloseable paused = a.groupWriter().pause()) {
        for (int s = 0; s < sessions; s++) {
          int n = s;
          good.add(
              pool.submit(
                  () ->
                      QueueTestSupport.commit(
                          a, QueueTestSupport.envelope(), QueueTestSupport.message("s" + n, "x"))));
        }
        bad =
            pool.submit(
                () ->
                    a.writer()
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
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> a.groupWriter().backlog() == sessions + 1);
      }
      for (var f : good) {
        QueueId id = f.get(2, java.util.concurrent.TimeUnit.MINUTES);
        // answered only once committed: another node sees it at once
        assertThat(b.find(id)).as("message %s seen by another node", id).isPresent();
      }
      assertThatThrownBy(() -> bad.get(2, java.util.concurrent.TimeUnit.MINUTES))
          .hasCauseInstanceOf(StorageException.class)
          .hasMessageContaining("inserting a duplicate failed");
    }
    // each writer thread (two by default) took at most one group: 21 writes, at most 2 commits
    assertThat(a.stats().transactions() - before).isBetween(1L, 2L);
    assertThat(a.stats().messages()).isEqualTo(sessions + 1);
    assertThat(count("SELECT count(*) FROM messages")).isEqualTo(sessions + 1);
    assertThat(b.find(existing).orElseThrow().account()).isEqualTo("default");
  }

  @Test
  void aMessagesRecipientsWrittenInOneStatementKeepTheirOrderAndDsnFields() throws Exception {
    Store a = open("a");
    dev.petrel.model.Envelope e =
        new dev.petrel.model.Envelope(
            dev.petrel.model.EmailAddress.parse("s@example.com"),
            List.of(
                new dev.petrel.model.Recipient(
                    dev.petrel.model.EmailAddress.parse("z@one.example"), null, null),
                new dev.petrel.model.Recipient(
                    dev.petrel.model.EmailAddress.parse("a@two.example"),
                    "SUCCESS,FAILURE",
                    "rfc822;a@two.example"),
                new dev.petrel.model.Recipient(
                    dev.petrel.model.EmailAddress.parse("m@one.example"), "NEVER", null)),
            "8BITMIME",
            false,
            "HDRS",
            "env-1",
            "acme",
            null,
            null,
            null);
    QueueId id = QueueTestSupport.commit(a, e, QueueTestSupport.message("three", "x"));
    StoredMessage m = a.find(id).orElseThrow();
    assertThat(m.recipients())
        .extracting(r -> r.address().toString(), r -> r.dsnNotify(), r -> r.dsnOrcpt())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("z@one.example", null, null),
            org.assertj.core.groups.Tuple.tuple(
                "a@two.example", "SUCCESS,FAILURE", "rfc822;a@two.example"),
            org.assertj.core.groups.Tuple.tuple("m@one.example", "NEVER", null));
    assertThat(count("SELECT count(*) FROM recipients WHERE domain = 'one.example'")).isEqualTo(2);
    assertThat(count("SELECT max(position) FROM recipients")).isEqualTo(2);
    assertThat(count("SELECT recipients FROM usage WHERE account = 'acme'")).isEqualTo(3);
    try (InputStream in = a.openBody(id)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("Subject: three");
    }
  }

  @Test
  void aReadIsOneReadOnlySnapshotAndLeavesTheConnectionsSettingsAsTheyWere() throws Exception {
    PostgresMessageStore a = (PostgresMessageStore) open("a");
    QueueTestSupport.commit(a, QueueTestSupport.envelope(), QueueTestSupport.message("1", "x"));
    for (int round = 0; round < 3; round++) {
      long[] seen =
          a.read(
              c -> {
                long first = countIn(c, "SELECT count(*) FROM messages");
                // committed by another session meanwhile: not seen in this snapshot
                try (Connection other = cluster.connect(database());
                    Statement st = other.createStatement()) {
                  st.execute(
                      "INSERT INTO paused (domain, since) VALUES ('r"
                          + System.nanoTime()
                          + "', 0)");
                }
                long pausedThen = countIn(c, "SELECT count(*) FROM paused");
                long second = countIn(c, "SELECT count(*) FROM messages");
                String isolation = textIn(c, "SHOW transaction_isolation");
                String readOnly = textIn(c, "SHOW transaction_read_only");
                return new long[] {
                  first,
                  second,
                  pausedThen,
                  isolation.equals("repeatable read") ? 1 : 0,
                  readOnly.equals("on") ? 1 : 0
                };
              },
              "testing a read");
      assertThat(seen[0]).isEqualTo(1);
      assertThat(seen[1]).isEqualTo(1);
      assertThat(seen[2]).as("rows committed after the snapshot began").isEqualTo(round);
      assertThat(seen[3]).as("repeatable read").isEqualTo(1);
      assertThat(seen[4]).as("read only").isEqualTo(1);
    }
    assertThatThrownBy(
            () ->
                a.read(
                    c -> {
                      try (Statement st = c.createStatement()) {
                        return st.executeUpdate(
                            "INSERT INTO paused (domain, since) VALUES ('w', 0)");
                      }
                    },
                    "writing in a read"))
        .isInstanceOf(StorageException.class);
    // The pooled connections keep their own settings: a one-statement read runs in autocommit at
    // the server's default isolation, outside any transaction left open.
    for (int i = 0; i < 12; i++) {
      String[] after =
          a.readOne(
              c ->
                  new String[] {
                    String.valueOf(c.getAutoCommit()),
                    textIn(c, "SHOW transaction_isolation"),
                    textIn(c, "SHOW transaction_read_only")
                  },
              "testing a one-statement read");
      assertThat(after).containsExactly("true", "read committed", "off");
    }
    assertThat(count("SELECT count(*) FROM paused WHERE domain = 'w'")).isZero();
  }

  private static long countIn(Connection c, String sql) throws java.sql.SQLException {
    return Long.parseLong(textIn(c, sql));
  }

  private static String textIn(Connection c, String sql) throws java.sql.SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aMalformedUrlIsRefusedWithoutShowingThePassword() {
    for (String bad :
        List.of(
            "postgresql://127.0.0.1:5432/?user=u&password=s3cret",
            "postgresql:///db?user=u&password=s3cret",
            "postgresql://127.0.0.1:5432/db?user=u&password=s3cret&pool=0",
            "postgresql://127.0.0.1:5432/db?user=u&password=s3cret&pool=4&writers=4"))
      assertThatThrownBy(() -> Stores.open(bad, QueueTestSupport.options(), InstantSource.fixed(T)))
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .doesNotContain("s3cret");
  }
}
