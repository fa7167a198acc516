package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.QueueId;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions against the real embedded store: what got a 250 is in the queue, octet for octet. */
class SessionEmbeddedStoreTest {

  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");

  @TempDir Path dataDir;
  private SqliteMessageStore store;

  @BeforeEach
  void open() throws Exception {
    store =
        SqliteMessageStore.open(
            dataDir, SqliteStoreOptions.defaults().withReserveBytes(0), SessionHarness.CLOCK);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  private String session(String clientText) {
    SessionTestConnection c =
        new SessionTestConnection(SessionHarness.address("127.0.0.1"))
            .chunk(clientText.getBytes(UTF_8));
    new SmtpSession(
            ListenerConfig.defaults(SessionHarness.HOST),
            c,
            store,
            (u, p) -> Optional.empty(),
            SessionObserver.NONE,
            SessionHarness.CLOCK,
            () -> false)
        .run();
    return new String(c.written(), UTF_8);
  }

  private static List<String> queued(String output) {
    List<String> ids = new ArrayList<>();
    Matcher m = QUEUED.matcher(output);
    while (m.find()) ids.add(m.group(1));
    return ids;
  }

  private String body(String id) throws Exception {
    try (InputStream in = store.openBody(QueueId.parse(id))) {
      String all = new String(in.readAllBytes(), UTF_8);
      return SessionHarness.withoutAddedFields(all.substring(all.indexOf("+0000\r\n") + 7));
    }
  }

  @Test
  void dataAndBdatMessagesAreStoredWithTheirEnvelope() throws Exception {
    String big =
        "Subject: big\r\n\r\n"
            + "0123456789abcdef".repeat(4).concat("\r\n").repeat(20_000); // ~1.3 MB, on file
    String out =
        session(
            "EHLO c.example\r\nMAIL FROM:<a@example.org> RET=HDRS ENVID=e1\r\n"
                + "RCPT TO:<b@example.net> NOTIFY=FAILURE ORCPT=rfc822;b@example.net\r\n"
                + "DATA\r\nSubject: one\r\n\r\n..dot\r\n.\r\n"
                + "MAIL FROM:<>\r\nRCPT TO:<c@example.net>\r\nBDAT 14\r\nSubject: two\r\n"
                + "BDAT 2 LAST\r\n\r\n"
                + "MAIL FROM:<a@example.org>\r\nRCPT TO:<d@example.net>\r\nDATA\r\n"
                + big
                + ".\r\nQUIT\r\n");
    List<String> ids = queued(out);
    assertThat(ids).as(out).hasSize(3);
    assertThat(body(ids.get(0))).isEqualTo("Subject: one\r\n\r\n.dot\r\n");
    assertThat(body(ids.get(1))).isEqualTo("Subject: two\r\n\r\n");
    assertThat(body(ids.get(2))).isEqualTo(big);
    StoredMessage first = store.find(QueueId.parse(ids.get(0))).orElseThrow();
    assertThat(first.sender().toString()).isEqualTo("a@example.org");
    assertThat(first.dsnRet()).isEqualTo("HDRS");
    assertThat(first.dsnEnvid()).isEqualTo("e1");
    assertThat(first.heloName()).isEqualTo("c.example");
    assertThat(first.recipients())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.address().toString()).isEqualTo("b@example.net");
              assertThat(r.state()).isEqualTo(RecipientState.QUEUED);
              assertThat(r.dsnNotify()).isEqualTo("FAILURE");
              assertThat(r.dsnOrcpt()).isEqualTo("rfc822;b@example.net");
            });
    assertThat(store.find(QueueId.parse(ids.get(1))).orElseThrow().sender()).isNull();
  }

  @Test
  void refusedMessagesLeaveNothingBehind() throws Exception {
    String out =
        session(
            "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                + "DATA\r\n"
                + "x".repeat(1001)
                + "\r\n.\r\nQUIT\r\n");
    assertThat(out).contains("500 5.5.2");
    assertThat(store.list(10)).isEmpty();
  }

  @Test
  void twentyConcurrentSessionsAllLand() throws Exception {
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int s = 0; s < 20; s++) {
        StringBuilder in = new StringBuilder("EHLO c" + s + ".example\r\n");
        for (int m = 0; m < 10; m++)
          in.append("MAIL FROM:<s")
              .append(s)
              .append("@example.org>\r\nRCPT TO:<r@example.net>\r\nDATA\r\nSubject: ")
              .append(s)
              .append('-')
              .append(m)
              .append("\r\n\r\nbody\r\n.\r\n");
        in.append("QUIT\r\n");
        String text = in.toString();
        results.add(pool.submit(() -> session(text)));
      }
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> f : results) ids.addAll(queued(f.get()));
    assertThat(ids).hasSize(200).doesNotHaveDuplicates();
    for (String id : ids) assertThat(store.find(QueueId.parse(id))).isPresent();
  }
}
