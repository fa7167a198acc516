package dev.petrel.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.Recipient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tag search takes one of two ways through the database (from the tag index for a rare tag, along
 * the account's messages for a common one): both find the same messages of the caller's account
 * only, newest first, and page the same with the cursor.
 */
class TagSearchTest {

  @TempDir Path dir;

  private static Envelope envelope(String account) {
    return new Envelope(
        EmailAddress.parse("s@example.com"),
        List.of(Recipient.of(EmailAddress.parse("r@example.org"))),
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

  private static String commit(MessageStore store, String account, List<String> tags)
      throws Exception {
    try (Spool spool = store.begin(envelope(account))) {
      spool.body().write(QueueTestSupport.message("m", "x"));
      spool.label(tags, null);
      return spool.commit().value();
    }
  }

  private static List<String> ids(List<StoredMessage> page) {
    return page.stream().map(m -> m.id().value()).toList();
  }

  /** Every page of a search, by the cursor, with the given rare-tag bound. */
  private static List<String> allPages(Connection c, String account, String tag, int bound)
      throws Exception {
    List<String> out = new ArrayList<>();
    MessageQuery.Cursor cursor = null;
    while (true) {
      List<StoredMessage> page =
          SearchRows.search(
              c,
              new MessageQuery(
                  account,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  cursor,
                  2,
                  null,
                  null,
                  tag,
                  java.util.Map.of()),
              bound);
      for (StoredMessage m : page) assertThat(m.account()).isEqualTo(account);
      out.addAll(ids(page));
      if (page.size() < 2) return out;
      StoredMessage last = page.getLast();
      cursor = new MessageQuery.Cursor(last.created(), last.id().value());
    }
  }

  @Test
  void rareAndCommonWaysFindTheSameMessages() throws Exception {
    AtomicLong tick = new AtomicLong(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    InstantSource clock = () -> Instant.ofEpochMilli(tick.addAndGet(1000));
    List<String> common = new ArrayList<>();
    String rare;
    try (SqliteMessageStore store =
        SqliteMessageStore.open(dir, QueueTestSupport.options(), clock)) {
      for (int i = 0; i < 5; i++) common.add(commit(store, "a", List.of("common", "x" + i)));
      rare = commit(store, "a", List.of("rare", "common"));
      common.add(rare);
      commit(store, "a", List.of("other"));
      for (int i = 0; i < 4; i++) commit(store, "b", List.of("common", "rare"));
    }
    List<String> newestFirst = new ArrayList<>(common.reversed());
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:sqlite:" + dir.resolve(SqliteMessageStore.DATABASE_FILE))) {
      // "common" is on 10 messages: a bound of 5 walks the account, 1000 starts from the tags
      assertThat(allPages(c, "a", "common", 5)).isEqualTo(newestFirst);
      assertThat(allPages(c, "a", "common", 1000)).isEqualTo(newestFirst);
      assertThat(allPages(c, "a", "rare", 5)).containsExactly(rare);
      assertThat(allPages(c, "a", "rare", 1000)).containsExactly(rare);
      assertThat(allPages(c, "a", "none", 5)).isEmpty();
      assertThat(allPages(c, "a", "none", 0)).isEmpty();
      assertThat(allPages(c, "b", "common", 5)).hasSize(4).doesNotContainAnyElementsOf(common);
      assertThat(allPages(c, "b", "common", 1000)).hasSize(4).doesNotContainAnyElementsOf(common);
      assertThat(allPages(c, "c", "common", 5)).isEmpty();
      assertThat(allPages(c, "c", "common", 1000)).isEmpty();
    }
  }
}
