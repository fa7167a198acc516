package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.peers.RunningPetrel;
import dev.petrel.peers.SmtpClient;
import dev.petrel.report.StatusJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The queue commands against the data folder of a running server. */
class QueueCommandTest {

  @TempDir Path dir;

  private static String send(int port, String from, String... to) throws Exception {
    try (SmtpClient c = new SmtpClient(port, Duration.ofSeconds(30))) {
      c.reply();
      c.command("EHLO queue.test");
      c.command("MAIL FROM:<" + from + ">");
      for (String t : to) c.command("RCPT TO:<" + t + "> NOTIFY=FAILURE");
      c.command("DATA");
      String r = c.command("Subject: queue test\r\nFrom: " + from + "\r\n\r\nbody\r\n.");
      assertThat(r).startsWith("250 2.0.0 Ok: queued as ");
      return r.substring("250 2.0.0 Ok: queued as ".length());
    }
  }

  private CredentialsCommandTest.Result queue(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "queue";
    all[1] = args[0];
    all[2] = "--data-dir=" + dir;
    System.arraycopy(args, 1, all, 3, args.length - 1);
    return CredentialsCommandTest.run(all);
  }

  private static JsonNode json(String line) {
    return StatusJson.MAPPER.readTree(line);
  }

  @Test
  void listShowHoldReleaseDeleteWhileServing() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      String a = send(petrel.port(), "alice@example.com", "bob@example.net");
      String b = send(petrel.port(), "carol@example.com", "dan@example.net", "erin@example.org");

      var list = queue("list", "--json");
      assertThat(list.status()).isZero();
      List<String> lines = list.out().lines().toList();
      assertThat(lines).hasSize(2);
      JsonNode first = json(lines.get(0));
      assertThat(first.get("id").asString()).isEqualTo(a);
      assertThat(first.get("from").asString()).isEqualTo("alice@example.com");
      assertThat(first.get("size").asLong()).isPositive();
      assertThat(first.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(first.get("recipients").get(0).get("address").asString())
          .isEqualTo("bob@example.net");
      assertThat(first.get("recipients").get(0).get("state").asString()).isEqualTo("queued");
      assertThat(json(lines.get(1)).get("recipients")).hasSize(2);

      var show = queue("show", "--json", b);
      assertThat(show.status()).isZero();
      JsonNode m = json(show.out().strip());
      assertThat(m.get("id").asString()).isEqualTo(b);
      assertThat(m.get("from").asString()).isEqualTo("carol@example.com");
      assertThat(m.get("recipients").get(1).get("address").asString())
          .isEqualTo("erin@example.org");
      assertThat(m.get("recipients").get(1).get("state").asString()).isEqualTo("queued");
      assertThat(m.get("recipients").get(1).get("notify").asString()).isEqualTo("FAILURE");
      assertThat(m.get("headers").get("Subject").asString()).isEqualTo("queue test");

      var text = queue("show", b.toLowerCase());
      assertThat(text.out()).contains("id:         " + b, "from:       carol@example.com");
      assertThat(text.out()).contains("  dan@example.net  queued  NOTIFY=FAILURE");

      assertThat(queue("hold", a).out()).isEqualTo("held " + a + "\n");
      assertThat(
              json(queue("list", "--json").out().lines().findFirst().orElseThrow())
                  .get("held")
                  .asBoolean())
          .isTrue();
      assertThat(queue("list").out()).contains(a).contains("[held]").contains("-- 2 messages");
      assertThat(queue("release", a).out()).isEqualTo("released " + a + "\n");
      assertThat(petrel.find(a).orElseThrow().held()).isFalse();

      assertThat(queue("delete", a).out()).isEqualTo("deleted " + a + "\n");
      assertThat(petrel.find(a)).isEmpty();
      assertThat(queue("list", "--json").out().lines()).hasSize(1);
    }
  }

  @Test
  void showBodyPrintsTheStoredMessageBytes() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      String a = send(petrel.port(), "alice@example.com", "bob@example.net");
      java.io.PrintStream saved = System.out;
      java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
      System.setOut(
          new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      CredentialsCommandTest.Result r;
      try {
        r = queue("show", "--body", a);
      } finally {
        System.setOut(saved);
      }
      assertThat(r.status()).isZero();
      assertThat(captured.toByteArray()).isEqualTo(petrel.body(a));
      assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
          .startsWith("Received: ")
          .endsWith("\r\nbody\r\n");
    }
  }

  @Test
  void unknownIdsAreClearErrorsWithStatus1() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      String a = send(petrel.port(), "alice@example.com", "bob@example.net");
      var show = queue("show", "0000000000000000");
      assertThat(show.status()).isEqualTo(1);
      assertThat(show.err()).contains("no message with id 0000000000000000");
      var bad = queue("hold", "not-an-id", a);
      assertThat(bad.status()).isEqualTo(1);
      assertThat(bad.err()).contains("no message with id 'not-an-id' (not a queue id)");
      assertThat(bad.out()).isEqualTo("held " + a + "\n"); // the good id was still handled
    }
  }

  @Test
  void emptyQueueAndLimit() throws Exception {
    try (RunningPetrel petrel = RunningPetrel.start(dir)) {
      assertThat(queue("list").out()).isEqualTo("The queue is empty.\n");
      assertThat(queue("list", "--json").out()).isEmpty();
      send(petrel.port(), "a@example.com", "b@example.net");
      send(petrel.port(), "a@example.com", "b@example.net");
      var limited = queue("list", "--json", "--limit", "1");
      assertThat(limited.out().lines()).hasSize(1);
      assertThat(limited.err()).contains("showing the oldest 1 messages");
    }
  }

  @Test
  void missingDataFolderIsAnError() {
    var r =
        CredentialsCommandTest.run("queue", "list", "--data-dir", dir.resolve("none").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("no data folder");
  }
}
