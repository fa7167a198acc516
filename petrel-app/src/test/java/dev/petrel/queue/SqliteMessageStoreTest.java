package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.commit;
import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static dev.petrel.queue.QueueTestSupport.open;
import static dev.petrel.queue.QueueTestSupport.sha256;
import static dev.petrel.queue.QueueTestSupport.spoolFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMessageStoreTest {

  @TempDir Path dir;

  @Test
  void reopenAfterCloseFindsEverythingAsCommitted() throws Exception {
    Instant now = Instant.parse("2026-03-01T10:15:30.123Z");
    Envelope full =
        new Envelope(
            EmailAddress.parse("bounces@example.com"),
            List.of(
                new Recipient(
                    EmailAddress.parse("bob@Example.ORG"),
                    "SUCCESS,FAILURE",
                    "rfc822;bob@example.org"),
                Recipient.of(EmailAddress.parse("\"odd name\"@example.net")),
                Recipient.of(EmailAddress.parse("jörg@bücher.example"))),
            "8BITMIME",
            true,
            "HDRS",
            "envid-42",
            "acme",
            "alice",
            "2001:db8::1",
            "mail.client.example");
    byte[] body =
        ("Received: from client\r\nSubject: =?UTF-8?B?SGVsbG8gd8O2cmxk?=\r\nFrom: A <a@example.com>\r\n"
                + "To: bob@example.org,\r\n  carol@example.net\r\nMessage-ID: <m1@example.com>\r\n"
                + "Date: Sun, 1 Mar 2026 10:15:30 +0000\r\n\r\nHello.\r\n")
            .getBytes(StandardCharsets.UTF_8);
    QueueId id;
    QueueId nullSender;
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, QueueTestSupport.options(), InstantSource.fixed(now))) {
      id = commit(store, full, body);
      nullSender = commit(store, envelope(null, "postmaster@example.org"), message("bounce", ""));
    }

    try (SqliteMessageStore store = open(dir)) {
      StoredMessage m = store.find(id).orElseThrow();
      assertThat(m.id()).isEqualTo(id);
      assertThat(m.sender()).isEqualTo(EmailAddress.parse("bounces@example.com"));
      assertThat(m.size()).isEqualTo(body.length);
      assertThat(m.created()).isEqualTo(now);
      assertThat(m.held()).isFalse();
      assertThat(m.account()).isEqualTo("acme");
      assertThat(m.authUser()).isEqualTo("alice");
      assertThat(m.clientAddress()).isEqualTo("2001:db8::1");
      assertThat(m.heloName()).isEqualTo("mail.client.example");
      assertThat(m.body()).isEqualTo("8BITMIME");
      assertThat(m.smtputf8()).isTrue();
      assertThat(m.dsnRet()).isEqualTo("HDRS");
      assertThat(m.dsnEnvid()).isEqualTo("envid-42");
      assertThat(m.headers())
          .containsExactly(
              java.util.Map.entry("Subject", "Hello wörld"),
              java.util.Map.entry("From", "A <a@example.com>"),
              java.util.Map.entry("To", "bob@example.org,  carol@example.net"),
              java.util.Map.entry("Message-ID", "<m1@example.com>"),
              java.util.Map.entry("Date", "Sun, 1 Mar 2026 10:15:30 +0000"));
      assertThat(m.recipients())
          .extracting(r -> r.address().toString())
          .containsExactly("bob@example.org", "\"odd name\"@example.net", "jörg@bücher.example");
      assertThat(m.recipients()).allMatch(r -> r.state() == RecipientState.QUEUED);
      assertThat(m.recipients()).allMatch(r -> r.updated().equals(now));
      assertThat(m.recipients().get(0).dsnNotify()).isEqualTo("SUCCESS,FAILURE");
      assertThat(m.recipients().get(0).dsnOrcpt()).isEqualTo("rfc822;bob@example.org");
      assertThat(m.recipients().get(1).dsnNotify()).isNull();
      try (InputStream in = store.openBody(id)) {
        assertThat(in.readAllBytes()).isEqualTo(body);
      }

      StoredMessage bounce = store.find(nullSender).orElseThrow();
      assertThat(bounce.sender()).isNull();
      assertThat(bounce.account()).isEqualTo(Envelope.DEFAULT_ACCOUNT);
      assertThat(bounce.headers()).containsEntry("Subject", "bounce");

      assertThat(store.list(10)).extracting(StoredMessage::id).containsExactly(id, nullSender);
      assertThat(store.list(1)).extracting(StoredMessage::id).containsExactly(id);
      assertThat(store.list(10).get(0).recipients()).hasSize(3);
    }
  }

  @Test
  void uncommittedSpoolLeavesNothing() throws Exception {
    try (SqliteMessageStore store = open(dir)) {
      QueueId id;
      try (Spool spool = store.begin(envelope())) {
        id = spool.id();
        spool.body().write(message("never", "x".repeat(100_000)));
        assertThat(spool.size()).isGreaterThan(100_000);
      }
      assertThat(store.find(id)).isEmpty();
      assertThat(store.list(10)).isEmpty();
      assertThat(spoolFiles(dir)).isEmpty();
      assertThatThrownBy(() -> store.openBody(id)).isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void spoolLeftOpenByACrashIsRemovedOnTheNextStart() throws Exception {
    QueueId kept;
    try (SqliteMessageStore store = open(dir)) {
      kept = commit(store, envelope(), message("kept", "body ".repeat(20_000)));
      Spool abandoned = store.begin(envelope());
      abandoned.body().write(message("abandoned", "half a message ".repeat(10_000)));
      // no commit, no close: as if the process died here
    }
    assertThat(spoolFiles(dir)).anyMatch(f -> f.endsWith(BodyFiles.TEMP_SUFFIX));
    // and a body whose row never got committed
    QueueId ghost = QueueId.generate(Instant.now());
    Path ghostFile;
    try (SqliteMessageStore store = open(dir)) {
      ghostFile = store.files().path(ghost);
    }
    Files.createDirectories(ghostFile.getParent());
    Files.writeString(ghostFile, "no row for this one");

    try (SqliteMessageStore store = open(dir)) {
      assertThat(spoolFiles(dir)).hasSize(1);
      assertThat(store.list(10)).extracting(StoredMessage::id).containsExactly(kept);
      try (InputStream in = store.openBody(kept)) {
        assertThat(sha256(in)).isEqualTo(sha256(message("kept", "body ".repeat(20_000))));
      }
    }
  }

  @Test
  void holdReleaseAndDelete() throws Exception {
    try (SqliteMessageStore store = open(dir)) {
      QueueId id = commit(store, envelope(), message("hold me", "a big body ".repeat(10_000)));
      QueueId other = commit(store, envelope(), message("other", "body"));
      QueueId unknown = QueueId.generate(Instant.now());

      assertThat(store.hold(id)).isTrue();
      assertThat(store.find(id).orElseThrow().held()).isTrue();
      assertThat(store.find(other).orElseThrow().held()).isFalse();
      assertThat(store.hold(id)).isTrue(); // holding twice is harmless
      assertThat(store.release(id)).isTrue();
      assertThat(store.find(id).orElseThrow().held()).isFalse();

      assertThat(store.hold(unknown)).isFalse();
      assertThat(store.release(unknown)).isFalse();
      assertThat(store.delete(unknown)).isFalse();

      Path body = store.files().path(id);
      assertThat(body).exists();
      assertThat(store.delete(id)).isTrue();
      assertThat(body).doesNotExist();
      assertThat(store.find(id)).isEmpty();
      assertThatThrownBy(() -> store.openBody(id)).isInstanceOf(NoSuchFileException.class);
      assertThat(store.delete(id)).isFalse();
      assertThat(store.list(10)).extracting(StoredMessage::id).containsExactly(other);
      assertThat(countRows("recipients WHERE message_id = '" + id + "'")).isZero();
    }
  }

  @Test
  void bodiesUnderTheBufferSizeAreKeptInTheDatabaseLargerOnesInFiles() throws Exception {
    byte[] largestInline = new byte[BufferPool.BUFFER_SIZE - 1];
    byte[] smallestFile = new byte[BufferPool.BUFFER_SIZE];
    java.util.Arrays.fill(largestInline, (byte) 'a');
    java.util.Arrays.fill(smallestFile, (byte) 'b');
    QueueId inline;
    QueueId file;
    QueueId empty;
    try (SqliteMessageStore store = open(dir)) {
      inline = commit(store, envelope(), largestInline);
      file = commit(store, envelope(), smallestFile);
      empty = commit(store, envelope(), new byte[0]);
      assertThat(spoolFiles(dir))
          .containsExactly(dir.resolve("spool").relativize(store.files().path(file)).toString());
    }
    assertThat(countRows("bodies")).isEqualTo(2);
    try (SqliteMessageStore store = open(dir)) {
      try (InputStream in = store.openBody(inline)) {
        assertThat(in.readAllBytes()).isEqualTo(largestInline);
      }
      try (InputStream in = store.openBody(file)) {
        assertThat(in.readAllBytes()).isEqualTo(smallestFile);
      }
      try (InputStream in = store.openBody(empty)) {
        assertThat(in.readAllBytes()).isEmpty();
      }
      assertThat(store.delete(inline)).isTrue();
      assertThat(store.delete(file)).isTrue();
      assertThatThrownBy(() -> store.openBody(inline)).isInstanceOf(NoSuchFileException.class);
    }
    assertThat(countRows("bodies")).isEqualTo(1);
    assertThat(spoolFiles(dir)).isEmpty();
  }

  @Test
  void withInlineBodiesOffEveryBodyIsAFile() throws Exception {
    try (SqliteMessageStore store =
        SqliteMessageStore.open(
            dir, QueueTestSupport.options().withInlineSmallBodies(false), InstantSource.system())) {
      QueueId id = commit(store, envelope(), message("small", "body"));
      assertThat(store.files().path(id)).exists();
      try (InputStream in = store.openBody(id)) {
        assertThat(in.readAllBytes()).isEqualTo(message("small", "body"));
      }
    }
    assertThat(countRows("bodies")).isZero();
  }

  @Test
  void migrationsRunOnceAndCreateTheWholeSchema() throws Exception {
    for (int i = 0; i < 3; i++) open(dir).close();
    // one applied row per migration file, however many later issues add
    long files;
    try (var list = Files.list(Path.of(getClass().getResource("/db/sqlite").toURI()))) {
      files = list.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
    assertThat(files).isGreaterThanOrEqualTo(2);
    assertThat(countRows("flyway_schema_history WHERE success = 1 AND version IS NOT NULL"))
        .isEqualTo(files);
    for (String table :
        List.of("messages", "recipients", "bodies", "attempts", "events", "paused", "suppressions"))
      assertThat(countRows("sqlite_master WHERE type = 'table' AND name = '" + table + "'"))
          .as(table)
          .isEqualTo(1);
    assertThat(countRows("sqlite_master WHERE type = 'index' AND name = 'recipients_due'"))
        .isEqualTo(1);
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void schemaRefusesAStateOutsideTheSpec() throws Exception {
    QueueId id;
    try (SqliteMessageStore store = open(dir)) {
      id = commit(store, envelope(), message("s", "b"));
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE recipients SET state = 'deferred' WHERE message_id = '" + id + "'");
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "UPDATE recipients SET state = 'lost' WHERE message_id = '" + id + "'"))
          .hasMessageContaining("CHECK");
    }
    try (SqliteMessageStore store = open(dir)) {
      assertThat(store.find(id).orElseThrow().recipients().get(0).state())
          .isEqualTo(RecipientState.DEFERRED);
    }
  }

  @Test
  void commandLineOpenNeedsAnExistingFolder() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(
            () ->
                SqliteMessageStore.open(
                    missing, SqliteStoreOptions.existingFolder(), InstantSource.system()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no data folder at " + missing);
    assertThat(missing).doesNotExist();
  }

  @Test
  void commandLineWorksOnTheQueueWhileTheServerRuns() throws Exception {
    try (DataDirLock lock = DataDirLock.acquire(dir);
        SqliteMessageStore server = open(dir)) {
      QueueId id = commit(server, envelope(), message("shared", "body"));
      try (SqliteMessageStore cli =
          SqliteMessageStore.open(
              dir, SqliteStoreOptions.existingFolder(), InstantSource.system())) {
        assertThat(cli.list(10)).extracting(StoredMessage::id).containsExactly(id);
        assertThat(cli.hold(id)).isTrue();
        QueueId second = commit(server, envelope(), message("second", "body"));
        assertThat(cli.find(second)).isPresent();
      }
      assertThat(server.find(id).orElseThrow().held()).isTrue();
      assertThat(server.list(10)).hasSize(2);
    }
  }

  @Test
  void aClosedStoreRefusesWorkAndASpoolCommittedAfterCloseLeavesNothing() throws Exception {
    SqliteMessageStore store = open(dir);
    Spool late = store.begin(envelope());
    late.body().write(message("late", "body"));
    store.close();
    assertThatThrownBy(late::commit).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.begin(envelope()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
    store.close(); // twice is fine
    assertThat(spoolFiles(dir)).isEmpty();
    try (SqliteMessageStore reopened = open(dir)) {
      assertThat(reopened.list(10)).isEmpty();
    }
  }

  @Test
  void commitIsIdempotentAndCloseAfterCommitKeepsTheMessage() throws Exception {
    try (SqliteMessageStore store = open(dir)) {
      Spool spool = store.begin(envelope());
      spool.body().write(message("once", "body"));
      QueueId id = spool.commit();
      assertThat(spool.commit()).isEqualTo(id);
      spool.close();
      assertThat(store.find(id)).isPresent();
      assertThat(store.stats().messages()).isEqualTo(1);
      assertThatThrownBy(() -> spool.body().write(1)).isInstanceOf(java.io.IOException.class);
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve(SqliteMessageStore.DATABASE_FILE));
  }

  private long countRows(String fromWhere) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + fromWhere)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
