package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.Envelope;
import dev.petrel.queue.StorageException;
import org.junit.jupiter.api.Test;

/** What ends up in the store after DATA: the body as sent, un-stuffed, under a Received header. */
class SessionMessageTest {

  private static final String TX =
      "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n";

  @Test
  void storesTheBodyUnstuffedUnderAReceivedHeader() {
    SessionHarness h =
        new SessionHarness()
            .send(TX + "DATA\r\n")
            .send("Subject: dots\r\n\r\n..leading dot\r\n...\r\n.\r\nQUIT\r\n");
    SessionHarness.Outcome out = h.run();
    String queued = out.replies().get(5);
    assertThat(queued).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{16}");
    SessionTestStore.Message m = h.store.messages().getFirst();
    assertThat(queued).endsWith(m.id().value());
    String received =
        "Received: from client.example ([127.0.0.1])\r\n"
            + "\tby mx.petrel.test (Petrel) with ESMTP id "
            + m.id().value()
            + "\r\n\tfor <bob@example.net>;\r\n\tTue, 1 Jul 2025 10:00:00 +0000\r\n";
    assertThat(SessionHarness.withoutAddedFields(m.text()))
        .isEqualTo(received + "Subject: dots\r\n\r\n.leading dot\r\n..\r\n");
    Envelope e = m.envelope();
    assertThat(e.account()).isEqualTo(Envelope.DEFAULT_ACCOUNT);
    assertThat(e.authUser()).isNull();
    assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
    assertThat(e.heloName()).isEqualTo("client.example");
    assertThat(e.body()).isEqualTo("7BIT");
  }

  @Test
  void keepsEightBitBodiesWithoutBody8bitmime() {
    byte[] body = "Subject: caf\u00e9\r\n\r\n\u00ff\u00fe binary-ish text\r\n".getBytes(UTF_8);
    SessionHarness h = new SessionHarness().send(TX + "DATA\r\n").send(body).send(".\r\n");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    String text = SessionHarness.withoutAddedFields(h.store.messages().getFirst().text());
    assertThat(text.substring(text.indexOf("Subject:"))).isEqualTo(new String(body, UTF_8));
  }

  @Test
  void recordsDsnAndUtf8ParametersInTheEnvelope() {
    SessionHarness h =
        new SessionHarness()
            .send(
                "EHLO c.example\r\nMAIL FROM:<jos\u00e9@example.org> SMTPUTF8 BODY=8BITMIME RET=HDRS"
                    + " ENVID=abc+2B1\r\nRCPT TO:<bob@example.net> NOTIFY=FAILURE,DELAY"
                    + " ORCPT=rfc822;bob@example.net\r\nRCPT TO:<carol@example.net>\r\n"
                    + "DATA\r\nhi\r\n.\r\n");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    SessionTestStore.Message m = h.store.messages().getFirst();
    Envelope e = m.envelope();
    assertThat(e.smtputf8()).isTrue();
    assertThat(e.body()).isEqualTo("8BITMIME");
    assertThat(e.dsnRet()).isEqualTo("HDRS");
    assertThat(e.dsnEnvid()).isEqualTo("abc+2B1");
    assertThat(e.recipients()).hasSize(2);
    assertThat(e.recipients().getFirst().dsnNotify()).isEqualTo("FAILURE,DELAY");
    assertThat(e.recipients().getFirst().dsnOrcpt()).isEqualTo("rfc822;bob@example.net");
    // Two recipients: no "for" clause; SMTPUTF8: the protocol is UTF8SMTP.
    assertThat(m.text()).contains("with UTF8SMTP id").doesNotContain("\tfor <");
  }

  @Test
  void duplicateRecipientsAreStoredOnce() {
    SessionHarness h =
        new SessionHarness().send(TX + "RCPT TO:<bob@EXAMPLE.net>\r\nDATA\r\nhi\r\n.\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "250 2.1.5", "354", "250 2.0.0");
    assertThat(h.store.messages().getFirst().envelope().recipients()).hasSize(1);
  }

  @Test
  void messageOverTheLimitWithoutSizeIsRefusedAfterItsEndAndNotStored() {
    SessionHarness h =
        new SessionHarness()
            .config(c -> SessionHarness.withMaxSize(c, 4096))
            .send(TX + "DATA\r\n")
            .send("x".repeat(900).concat("\r\n").repeat(5))
            .send(".\r\nRSET\r\nMAIL FROM:<alice@example.org>\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220", "250", "250 2.1.0", "250 2.1.5", "354", "552 5.3.4", "250 2.0.0", "250 2.1.0");
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.store.discarded).isEqualTo(1);
  }

  @Test
  void theReceivedHeaderDoesNotCountTowardsTheLimit() {
    String body = "y".repeat(998) + "\r\n" + "z".repeat(1024 - 1000 - 2) + "\r\n";
    assertThat(body).hasSize(1024);
    SessionHarness h =
        new SessionHarness()
            .config(c -> SessionHarness.withMaxSize(c, 1024))
            .send(TX + "DATA\r\n" + body + ".\r\n");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
  }

  @Test
  void bodyWriteFailureGets451AfterTheDataAndKeepsTheSessionInStep() {
    SessionHarness h = new SessionHarness();
    h.store.failWrites();
    h.send(TX + "DATA\r\nline\r\n.\r\nNOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "451 4.3.0", "250 2.0.0");
    assertThat(h.store.messages()).isEmpty();
  }

  @Test
  void afterAFailedCommitTheClientCanTryAgain() {
    SessionHarness h = new SessionHarness();
    h.store.failCommit(new StorageException("test"));
    h.send(TX + "DATA\r\nline\r\n.\r\nMAIL FROM:<a@example.org>\r\n");
    assertThat(h.run().codes()).endsWith("451 4.3.0", "250 2.1.0");
  }

  @Test
  void receivedHeaderNamesTlsAndAuthentication() {
    SessionHarness h =
        new SessionHarness()
            .secure()
            .send(
                "EHLO c.example\r\nAUTH PLAIN "
                    + SessionReplyTableTest.plain("alice", "secret")
                    + "\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
                    + "DATA\r\nhi\r\n.\r\n");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    SessionTestStore.Message m = h.store.messages().getFirst();
    assertThat(m.text())
        .startsWith(
            "Received: from c.example ([127.0.0.1])\r\n"
                + "\t(using TLSv1.3 TLS_AES_128_GCM_SHA256)\r\n"
                + "\tby mx.petrel.test (Petrel) with ESMTPSA id ");
    assertThat(m.envelope().account()).isEqualTo("acme");
    assertThat(m.envelope().authUser()).isEqualTo("alice");
  }

  @Test
  void heloClientsGetPlainSmtpInTheReceivedHeader() {
    SessionHarness h =
        new SessionHarness()
            .send("HELO old.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")
            .send("DATA\r\nhi\r\n.\r\n");
    assertThat(h.run().codes()).startsWith("220", "250").endsWith("250 2.0.0");
    assertThat(h.store.messages().getFirst().text()).contains("with SMTP id");
  }

  @Test
  void ipv6ClientsAppearAsIpv6Literals() {
    SessionHarness h = new SessionHarness();
    h.client = SessionHarness.address("::1");
    h.send(TX + "DATA\r\nhi\r\n.\r\n");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    assertThat(h.store.messages().getFirst().text())
        .startsWith("Received: from client.example ([IPv6:0:0:0:0:0:0:0:1])");
  }
}
