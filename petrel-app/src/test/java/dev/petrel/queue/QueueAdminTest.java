package dev.petrel.queue;

import static dev.petrel.queue.QueueTestSupport.envelope;
import static dev.petrel.queue.QueueTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.QueueId;
import dev.petrel.queue.QueueAdmin.Action;
import dev.petrel.queue.QueueAdmin.Outcome;
import dev.petrel.queue.QueueAdmin.Result;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class QueueAdminTest {

  @TempDir Path dir;

  @Test
  void theCommandLineNeedsAFolderAServerMadeAndWorksBesideIt() throws Exception {
    assertThatThrownBy(
            () -> QueueAdmin.openForCommandLine(dir.resolve("x"), InstantSource.system()))
        .hasMessageContaining("no data folder at " + dir.resolve("x"));
    Instant now = Instant.parse("2026-04-01T08:00:00Z");
    try (DataDirLock lock = DataDirLock.acquire(dir);
        SqliteMessageStore server =
            SqliteMessageStore.open(dir, QueueTestSupport.options(), InstantSource.fixed(now))) {
      QueueId a =
          QueueTestSupport.commit(
              server, envelope(null, "x@example.org", "y@example.net"), message("Hi", "b"));
      QueueId b = QueueTestSupport.commit(server, envelope(), message("Two", "b"));

      try (SqliteMessageStore cli = QueueAdmin.openForCommandLine(dir, InstantSource.system())) {
        QueueAdmin admin = new QueueAdmin(cli);
        assertThat(admin.list(100)).extracting(StoredMessage::id).containsExactly(a, b);
        assertThat(admin.show(a.value().toLowerCase(Locale.ROOT))).isPresent();
        assertThatThrownBy(() -> admin.show("not-an-id"))
            .isInstanceOf(IllegalArgumentException.class);

        String unknown = QueueId.generate(now).value();
        assertThat(admin.apply(Action.HOLD, List.of(a.value(), "junk", unknown)))
            .containsExactly(
                new Outcome(a.value(), Result.DONE),
                new Outcome("junk", Result.INVALID),
                new Outcome(unknown, Result.UNKNOWN));
        assertThat(server.find(a).orElseThrow().held()).isTrue();
        assertThat(admin.apply(Action.RELEASE, List.of(a.value())))
            .containsExactly(new Outcome(a.value(), Result.DONE));
        assertThat(admin.apply(Action.DELETE, List.of(b.value())))
            .containsExactly(new Outcome(b.value(), Result.DONE));
        assertThat(server.find(b)).isEmpty();

        JsonMapper mapper = JsonMapper.builder().build();
        JsonNode json =
            mapper.readTree(
                mapper.writeValueAsString(QueueAdmin.json(admin.show(a.value()).orElseThrow())));
        assertThat(json.get("id").asString()).isEqualTo(a.value());
        assertThat(json.get("from").asString()).isEmpty();
        assertThat(json.get("size").asLong()).isEqualTo(message("Hi", "b").length);
        assertThat(json.get("created").asString()).isEqualTo("2026-04-01T08:00:00Z");
        assertThat(json.get("held").asBoolean()).isFalse();
        assertThat(json.get("headers").get("subject").asString()).isEqualTo("Hi");
        assertThat(json.get("headers").get("message-id").isNull()).isTrue();
        assertThat(json.get("recipients")).hasSize(2);
        assertThat(json.get("recipients").get(0).get("address").asString())
            .isEqualTo("x@example.org");
        assertThat(json.get("recipients").get(1).get("state").asString()).isEqualTo("queued");
      }
    }
  }
}
