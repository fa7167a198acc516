package dev.petrel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.EmailAddress;
import dev.petrel.model.Envelope;
import dev.petrel.model.QueueId;
import dev.petrel.model.Recipient;
import dev.petrel.queue.Spool;
import dev.petrel.queue.SqliteMessageStore;
import dev.petrel.queue.SqliteStoreOptions;
import dev.petrel.queue.StoredMessage;
import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import dev.petrel.status.bounce.BouncedRecipient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DSNs are checked by reading them back with Petrel's own bounce parser. */
class DsnWriterTest {

  static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
  static final BounceParser PARSER = new BounceParser(StatusEngine.standard());
  static final String BODY =
      "Received: from client by mx.petrel.test\r\nFrom: Alice <alice@example.com>\r\n"
          + "To: bob@example.org\r\nSubject: Quarterly figures\r\n"
          + "Message-ID: <m1@example.com>\r\n\r\nThe figures are attached.\r\nSECRET-BODY-LINE\r\n";

  @TempDir Path dir;

  final DsnWriter writer = new DsnWriter("mx.petrel.test", InstantSource.fixed(NOW));

  StoredMessage original(String ret, String sender, Recipient... rcpts) {
    return new StoredMessage(
        QueueId.generate(NOW.minusSeconds(3600)),
        sender == null ? null : EmailAddress.parse(sender),
        BODY.length(),
        NOW.minusSeconds(3600),
        false,
        "default",
        null,
        "192.0.2.7",
        "client.example",
        "7BIT",
        false,
        ret,
        "envid-1",
        java.util.Map.of("Subject", "Quarterly figures"),
        List.of());
  }

  static DsnWriter.Failure userUnknown() {
    return new DsnWriter.Failure(
        new Recipient(EmailAddress.parse("bob@example.org"), null, "rfc822;bob@example.org"),
        "failed",
        "5.1.1",
        "mx1.example.org",
        550,
        "5.1.1",
        "The email account that you tried to reach does not exist",
        NOW.minusSeconds(10),
        "The address does not exist.");
  }

  static DsnWriter.Failure expired() {
    return new DsnWriter.Failure(
        Recipient.of(EmailAddress.parse("carol@example.net")),
        "failed",
        "4.4.7",
        "mx.example.net",
        null,
        null,
        null,
        NOW.minusSeconds(20),
        "Delivery was retried for 5 days and has been given up.");
  }

  byte[] write(StoredMessage m, List<DsnWriter.Failure> failures) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(m, failures, new ByteArrayInputStream(BODY.getBytes(StandardCharsets.UTF_8)), out);
    return out.toByteArray();
  }

  @Test
  void theBounceParserReadsRecipientStatusAndReasonBack() throws Exception {
    StoredMessage m = original(null, "alice@example.com");
    byte[] dsn = write(m, List.of(userUnknown(), expired()));
    String text = new String(dsn, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("Content-Type: multipart/report; report-type=delivery-status;")
        .contains("Content-Type: message/delivery-status")
        .contains("Reporting-MTA: dns; mx.petrel.test")
        .contains("Arrival-Date: Mon, 2 Mar 2026 07:00:00 GMT")
        .contains("Original-Recipient: rfc822;bob@example.org")
        .contains(
            "Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does"
                + " not exist")
        .contains("Remote-MTA: dns; mx1.example.org")
        .contains("Content-Type: text/rfc822-headers")
        .contains("Subject: Quarterly figures")
        .doesNotContain("SECRET-BODY-LINE");
    assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");

    BounceReport report = PARSER.parse(dsn);
    assertThat(report.kind()).isEqualTo(BounceReport.Kind.DSN);
    assertThat(report.originalMessageId()).contains("m1@example.com");
    assertThat(report.recipients()).hasSize(2);
    BouncedRecipient bob = report.recipients().get(0);
    assertThat(bob.recipient()).isEqualTo("bob@example.org");
    assertThat(bob.status()).isEqualTo("5.1.1");
    assertThat(bob.action()).isEqualTo("failed");
    assertThat(bob.classification().reason().id()).isEqualTo("userunknown");
    assertThat(bob.classification().bounce().id()).isEqualTo("hard");
    BouncedRecipient carol = report.recipients().get(1);
    assertThat(carol.recipient()).isEqualTo("carol@example.net");
    assertThat(carol.status()).isEqualTo("4.4.7");
    assertThat(carol.classification().reason().id()).isEqualTo("expired");
  }

  @Test
  void retFullCarriesTheWholeMessage() throws Exception {
    byte[] dsn = write(original("FULL", "alice@example.com"), List.of(userUnknown()));
    String text = new String(dsn, StandardCharsets.UTF_8);
    assertThat(text).contains("Content-Type: message/rfc822").contains("SECRET-BODY-LINE");
    assertThat(PARSER.parse(dsn).recipients())
        .singleElement()
        .extracting(BouncedRecipient::recipient)
        .isEqualTo("bob@example.org");
  }

  @Test
  void neverToTheNullSenderAndNotifyIsRespected() throws Exception {
    StoredMessage bounce = original(null, null);
    assertThat(DsnWriter.notifiable(bounce, List.of(userUnknown()))).isEmpty();
    assertThatThrownBy(() -> write(bounce, List.of(userUnknown())))
        .isInstanceOf(IllegalArgumentException.class);

    StoredMessage m = original(null, "alice@example.com");
    DsnWriter.Failure never =
        new DsnWriter.Failure(
            new Recipient(EmailAddress.parse("x@example.org"), "NEVER", null),
            "failed",
            "5.1.1",
            null,
            550,
            "5.1.1",
            "no",
            null,
            null);
    DsnWriter.Failure successOnly =
        new DsnWriter.Failure(
            new Recipient(EmailAddress.parse("y@example.org"), "SUCCESS", null),
            "failed",
            "5.1.1",
            null,
            550,
            "5.1.1",
            "no",
            null,
            null);
    DsnWriter.Failure failure =
        new DsnWriter.Failure(
            new Recipient(EmailAddress.parse("z@example.org"), "SUCCESS,FAILURE", null),
            "failed",
            "5.1.1",
            null,
            550,
            "5.1.1",
            "no",
            null,
            null);
    assertThat(DsnWriter.notifiable(m, List.of(never, successOnly, failure, userUnknown())))
        .extracting(f -> f.recipient().address().localPart())
        .containsExactly("z", "bob");
  }

  @Test
  void aNoticeIsQueuedFromTheNullSenderToTheOriginalSender() throws Exception {
    try (SqliteMessageStore store =
        SqliteMessageStore.open(
            dir, SqliteStoreOptions.defaults().withReserveBytes(0), InstantSource.system())) {
      Envelope env =
          new Envelope(
              EmailAddress.parse("alice@example.com"),
              List.of(Recipient.of(EmailAddress.parse("bob@example.org"))),
              "7BIT",
              false,
              null,
              null,
              null,
              null,
              "192.0.2.7",
              "client.example");
      QueueId id;
      try (Spool spool = store.begin(env)) {
        spool.body().write(BODY.getBytes(StandardCharsets.UTF_8));
        id = spool.commit();
      }
      StoredMessage m = store.find(id).orElseThrow();
      QueueId dsnId = writer.enqueue(store, m, List.of(userUnknown())).orElseThrow();
      StoredMessage dsn = store.find(dsnId).orElseThrow();
      assertThat(dsn.sender()).isNull();
      assertThat(dsn.recipients())
          .singleElement()
          .satisfies(r -> assertThat(r.address().toString()).isEqualTo("alice@example.com"));
      byte[] stored;
      try (InputStream in = store.openBody(dsnId)) {
        stored = in.readAllBytes();
      }
      assertThat(PARSER.parse(stored).recipients())
          .singleElement()
          .satisfies(r -> assertThat(r.recipient()).isEqualTo("bob@example.org"));

      // and the notice itself, from <>, gets none
      assertThat(writer.enqueue(store, dsn, List.of(userUnknown()))).isEmpty();
    }
  }
}
