package dev.petrel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.report.StatusJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The command-line contract scripts depend on: output shapes and exit statuses. */
class CliTest {

  record Result(int status, String out, String err) {
    List<JsonNode> json() {
      return out.lines().map(l -> StatusJson.MAPPER.readTree(l)).toList();
    }
  }

  static Result run(String stdin, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      int status = Main.run(args);
      return new Result(
          status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
  }

  @Test
  void explainJsonHasTheDocumentedKeys() {
    Result r = run("", "explain", "--json", "550 5.1.1 <bob@example.com>: User unknown");
    assertThat(r.status()).isZero();
    JsonNode j = r.json().getFirst();
    for (String key :
        List.of(
            "code",
            "enhanced",
            "bounce",
            "final",
            "reason",
            "action",
            "who",
            "meaning",
            "solution",
            "confidence",
            "matched")) {
      assertThat(j.has(key)).as(key).isTrue();
    }
    assertThat(j.get("code").asInt()).isEqualTo(550);
    assertThat(j.get("enhanced").asString()).isEqualTo("5.1.1");
    assertThat(j.get("bounce").asString()).isEqualTo("hard");
    assertThat(j.get("reason").asString()).isEqualTo("userunknown");
    assertThat(j.get("action").asString()).isEqualTo("suppress");
    assertThat(j.get("final").asBoolean()).isTrue();
    JsonNode full = run("", "explain", "--json", "452 4.2.2 Mailbox full").json().getFirst();
    assertThat(full.get("final").asBoolean()).isFalse();
    assertThat(full.get("bounce").asString()).isEqualTo("soft");
  }

  @Test
  void explainReadsStandardInputInOrderWithEscapedLineBreaks() {
    Result r =
        run(
            "452 4.2.2 The email account that you tried to reach is over quota\n"
                + "User unknown\n"
                + "550-5.7.1 first line\\n550 5.7.1 second line\n",
            "explain",
            "--json");
    assertThat(r.status()).isZero();
    List<JsonNode> rows = r.json();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("code").asInt()).isEqualTo(452);
    assertThat(rows.get(0).get("bounce").asString()).isEqualTo("soft");
    assertThat(rows.get(1).get("code").isNull()).isTrue();
    assertThat(rows.get(2).get("text").asString()).isEqualTo("first line second line");
  }

  @Test
  void explainWithoutJsonIsReadable() {
    Result r = run("", "explain", "421 4.7.0 Try again later");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("Bounce:", "soft", "Meaning:", "Solution:");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run("", "explain", "--no-such-option").status()).isEqualTo(2);
    assertThat(run("", "bounce").status()).isEqualTo(2);
    assertThat(run("", "no-such-command").status()).isEqualTo(2);
    assertThat(run("", "explain", "--phase", "teatime", "550 x").status()).isEqualTo(2);
  }

  @Test
  void bounceReportsUnreadableInputsAndGoesOn(@TempDir Path dir) throws Exception {
    Path dsn = dir.resolve("dsn.eml");
    Files.writeString(
        dsn,
        """
        From: MAILER-DAEMON@mx.example.net
        To: sender@example.com
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain

        Your message could not be delivered.

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; bob@example.org
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx.example.org
        Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown

        --b1
        Content-Type: text/rfc822-headers

        Message-ID: <abc@example.com>
        From: sender@example.com
        To: bob@example.org
        Subject: hello

        --b1--
        """
            .replace("\n", "\r\n"));
    Path notBounce = dir.resolve("hello.eml");
    Files.writeString(
        notBounce, "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhi\r\n");
    Result r =
        run(
            "",
            "bounce",
            "--json",
            dsn.toString(),
            dir.resolve("missing.eml").toString(),
            notBounce.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("missing.eml").contains("hello.eml");
    List<JsonNode> rows = r.json();
    assertThat(rows).hasSize(1);
    JsonNode j = rows.getFirst();
    assertThat(j.get("file").asString()).isEqualTo(dsn.toString());
    assertThat(j.get("recipient").asString()).isEqualTo("bob@example.org");
    assertThat(j.get("status").asString()).isEqualTo("5.1.1");
    assertThat(j.get("code").asInt()).isEqualTo(550);
    assertThat(j.get("reason").asString()).isEqualTo("userunknown");
    assertThat(j.get("bounce").asString()).isEqualTo("hard");
    assertThat(j.get("action").asString()).isEqualTo("suppress");
    assertThat(j.get("diagnostic").asString()).contains("User unknown");
    assertThat(j.get("message_id").asString()).isEqualTo("abc@example.com");
  }

  @Test
  void storeCopyRefusesWhatItCannotCopy(@TempDir Path dir) throws Exception {
    String pg = "postgresql://127.0.0.1:1/petrel?user=u&password=s3cret";
    Result missing = run("", "store", "copy", "--from", dir.resolve("none").toString(), "--to", pg);
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no data folder at");

    Result empty = run("", "store", "copy", "--from", dir.toString(), "--to", pg);
    assertThat(empty.status()).isEqualTo(2);
    assertThat(empty.err()).contains("holds no embedded store");

    Path data = dir.resolve("data");
    dev.petrel.queue.SqliteMessageStore.open(
            data, dev.petrel.queue.SqliteStoreOptions.defaults(), java.time.InstantSource.system())
        .close();
    Result notPg =
        run("", "store", "copy", "--from", "sqlite:" + data, "--to", "sqlite:" + dir.resolve("x"));
    assertThat(notPg.status()).isEqualTo(2);
    assertThat(notPg.err()).contains("--to must be a PostgreSQL store URL");

    Result unreachable = run("", "store", "copy", "--from", data.toString(), "--to", pg);
    assertThat(unreachable.status()).isEqualTo(1);
    assertThat(unreachable.err())
        .contains("petrel store copy: cannot connect to PostgreSQL at 127.0.0.1:1/petrel")
        .doesNotContain("s3cret");
  }
}
