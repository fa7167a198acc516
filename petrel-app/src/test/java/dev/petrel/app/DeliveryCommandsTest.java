package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.model.RecipientState;
import dev.petrel.queue.AttemptRecord;
import dev.petrel.queue.DeliveryJob;
import dev.petrel.queue.RecipientUpdate;
import dev.petrel.queue.Spool;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.report.StatusJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** queue show's attempts, retry, cancel, pause, resume and the suppressions commands. */
class DeliveryCommandsTest {

  @TempDir Path dir;

  CredentialsCommandTest.Result cli(String group, String sub, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = group;
    all[1] = sub;
    all[2] = "--data-dir=" + dir;
    System.arraycopy(args, 0, all, 3, args.length);
    return CredentialsCommandTest.run(all);
  }

  SqliteMessageStore open() throws Exception {
    return SqliteMessageStore.open(
        dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.system());
  }

  static QueueId queue(SqliteMessageStore store, String... rcpts) throws Exception {
    Envelope env =
        new Envelope(
            EmailAddress.parse("alice@example.com"),
            java.util.Arrays.stream(rcpts).map(r -> Recipient.of(EmailAddress.parse(r))).toList(),
            "7BIT",
            false,
            null,
            null,
            null,
            null,
            "192.0.2.1",
            "c.example");
    try (Spool s = store.begin(env)) {
      s.body().write("Subject: t\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
      return s.commit();
    }
  }

  @Test
  void showJsonCarriesAttemptsAndNextAttempt() throws Exception {
    QueueId id;
    Instant next = Instant.parse("2030-01-01T00:00:00Z");
    try (SqliteMessageStore store = open()) {
      id = queue(store, "bob@example.org", "carol@example.net");
      for (DeliveryJob j : store.claimDue(Instant.now(), 10, Duration.ofMinutes(5))) {
        var r = j.recipients().getFirst();
        if (j.domain().equals("example.org"))
          store.recordAttempt(
              j,
              r.position(),
              new AttemptRecord(
                  Instant.now(),
                  "mx1.example.org",
                  "192.0.2.25",
                  "TLSv1.3 X",
                  "rcpt",
                  451,
                  "4.7.1",
                  "Greylisted",
                  "soft",
                  "greylisted",
                  "retry-after"),
              RecipientUpdate.deferred(next));
        else
          store.recordAttempt(
              j,
              r.position(),
              new AttemptRecord(
                  Instant.now(),
                  "mx.example.net",
                  "192.0.2.26",
                  null,
                  "rcpt",
                  550,
                  "5.1.1",
                  "User unknown",
                  "hard",
                  "userunknown",
                  "suppress"),
              RecipientUpdate.finalState(RecipientState.BOUNCED));
      }
    }
    var show = cli("queue", "show", "--json", id.value());
    assertThat(show.status()).as(show.err()).isZero();
    JsonNode m = StatusJson.MAPPER.readTree(show.out());
    JsonNode bob = m.get("recipients").get(0);
    assertThat(bob.get("state").asString()).isEqualTo("deferred");
    assertThat(bob.get("next_attempt").asString()).isEqualTo("2030-01-01T00:00:00Z");
    JsonNode a = bob.get("attempts").get(0);
    assertThat(a.get("mx").asString()).isEqualTo("mx1.example.org");
    assertThat(a.get("phase").asString()).isEqualTo("rcpt");
    assertThat(a.get("code").asInt()).isEqualTo(451);
    assertThat(a.get("enhanced").asString()).isEqualTo("4.7.1");
    assertThat(a.get("text").asString()).isEqualTo("Greylisted");
    assertThat(a.get("bounce").asString()).isEqualTo("soft");
    assertThat(a.get("reason").asString()).isEqualTo("greylisted");
    assertThat(a.get("action").asString()).isEqualTo("retry-after");
    assertThat(a.get("at").asString()).endsWith("Z");
    JsonNode carol = m.get("recipients").get(1);
    assertThat(carol.get("state").asString()).isEqualTo("bounced");
    assertThat(carol.get("next_attempt").isNull()).isTrue();
    assertThat(carol.get("attempts").get(0).get("code").asInt()).isEqualTo(550);

    var text = cli("queue", "show", id.value());
    assertThat(text.out()).contains("mx1.example.org [192.0.2.25]  rcpt  451 4.7.1 Greylisted");
    assertThat(text.out()).contains("next attempt 2030-01-01T00:00:00Z");

    // retry now makes it due, cancel ends it
    var retry = cli("queue", "retry", id.value());
    assertThat(retry.out()).isEqualTo("retrying 1 recipient\n");
    var cancel = cli("queue", "cancel", "--all", "--domain", "EXAMPLE.ORG");
    assertThat(cancel.out()).isEqualTo("cancelled 1 recipient\n");
    var after = StatusJson.MAPPER.readTree(cli("queue", "show", "--json", id.value()).out());
    assertThat(after.get("recipients").get(0).get("state").asString()).isEqualTo("cancelled");
  }

  @Test
  void bulkFormsAndTheirErrors() throws Exception {
    try (SqliteMessageStore store = open()) {
      queue(store, "a@one.example");
      queue(store, "b@two.example", "c@one.example");
    }
    assertThat(cli("queue", "cancel").status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli("queue", "cancel", "--state", "bounced").status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli("queue", "cancel", "--state", "nonsense").status()).isEqualTo(Main.EXIT_USAGE);
    var unknown = cli("queue", "retry", "0000000000000000");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).contains("no message with id 0000000000000000");
    assertThat(cli("queue", "retry", "--all").out()).isEqualTo("retrying 3 recipients\n");
    assertThat(cli("queue", "cancel", "--domain", "one.example", "--state", "queued").out())
        .isEqualTo("cancelled 2 recipients\n");
    assertThat(cli("queue", "cancel", "--all").out()).isEqualTo("cancelled 1 recipient\n");
  }

  @Test
  void pauseAndResume() throws Exception {
    try (SqliteMessageStore store = open()) {
      queue(store, "a@one.example");
    }
    assertThat(cli("queue", "pause", "--domain", "One.Example").out())
        .isEqualTo("paused one.example\n");
    assertThat(cli("queue", "pause").out()).isEqualTo("paused all delivery\n");
    try (SqliteMessageStore store = open()) {
      assertThat(store.paused()).containsExactlyInAnyOrder("", "one.example");
      assertThat(store.claimDue(Instant.now(), 10, Duration.ofMinutes(1))).isEmpty();
    }
    assertThat(cli("queue", "resume").out()).isEqualTo("resumed all delivery\n");
    assertThat(cli("queue", "pause", "--domain", " ").status()).isEqualTo(Main.EXIT_USAGE);
    try (SqliteMessageStore store = open()) {
      assertThat(store.paused()).isEmpty();
      assertThat(store.claimDue(Instant.now(), 10, Duration.ofMinutes(1))).hasSize(1);
    }
  }

  @Test
  void suppressionsListAddRemove() throws Exception {
    open().close();
    var add = cli("suppressions", "add", "Bob@Example.org", "--reason", "complaint");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out()).isEqualTo("suppressed bob@example.org\n");
    cli("suppressions", "add", "carol@example.net");
    var list = cli("suppressions", "list", "--json");
    List<String> lines = list.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode first = StatusJson.MAPPER.readTree(lines.get(0));
    assertThat(first.get("address").asString()).isEqualTo("bob@example.org");
    assertThat(first.get("reason").asString()).isEqualTo("complaint");
    assertThat(first.get("created").asString()).endsWith("Z");
    assertThat(StatusJson.MAPPER.readTree(lines.get(1)).get("reason").asString())
        .isEqualTo("manual");
    assertThat(cli("suppressions", "add", "not an address").status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli("suppressions", "remove", "BOB@example.org").out())
        .isEqualTo("removed bob@example.org\n");
    var again = cli("suppressions", "remove", "bob@example.org");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("not on the list");
    assertThat(cli("suppressions", "list").out()).startsWith("carol@example.net  manual  ");

    // a queued recipient on the list never reaches the network
    try (SqliteMessageStore store = open()) {
      QueueId id = queue(store, "carol@example.net");
      assertThat(store.claimDue(Instant.now(), 10, Duration.ofMinutes(1))).isEmpty();
      assertThat(store.find(id).orElseThrow().recipients().getFirst().state())
          .isEqualTo(RecipientState.SUPPRESSED);
    }
  }
}
