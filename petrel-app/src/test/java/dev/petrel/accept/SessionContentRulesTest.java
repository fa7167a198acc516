package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The header rules of submitted mail on the listener's BDAT path (DATA is covered by the peer
 * tests): Bcc and X-Petrel-* go, Date and Message-ID come for a logged-in client, a second From or
 * a NUL in the header section is refused at BDAT LAST with 554 5.6.0 and nothing is stored, and
 * BINARYMIME keeps a body's NUL octets.
 */
class SessionContentRulesTest {

  private static final String TX =
      "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n";

  private static SessionHarness bdat(String mail, byte[] message) {
    return new SessionHarness()
        .send(mail + "BDAT " + message.length + " LAST\r\n")
        .send(message)
        .send("QUIT\r\n");
  }

  @Test
  void bdatMailLosesBccAndInternalFieldsAndGetsDateAndMessageId() {
    String msg =
        "From: a@example.org\r\nBcc: hidden@example.net,\r\n\tother@example.net\r\n"
            + "X-Petrel-Tags: vip\r\nSubject: s\r\n\r\nbody Bcc: stays in the body\r\n";
    SessionHarness h =
        new SessionHarness()
            .untrusted()
            .secure()
            .send("EHLO c.example\r\nAUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"))
            .send("\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")
            .send("BDAT " + msg.getBytes(UTF_8).length + " LAST\r\n" + msg + "QUIT\r\n");
    assertThat(h.run().codes()).contains("250 2.0.0");
    String stored = h.store.messages().getFirst().text();
    String header = stored.substring(0, stored.indexOf("\r\n\r\n") + 2);
    assertThat(header)
        .doesNotContain("Bcc")
        .doesNotContain("hidden")
        .doesNotContain("other@")
        .doesNotContain("X-Petrel")
        .contains("From: a@example.org\r\n")
        .contains("Subject: s\r\n")
        .containsPattern("\r\nDate: Tue, 1 Jul 2025 10:00:00 \\+0000\r\n")
        .containsPattern("\r\nMessage-ID: <[0-9a-f-]{36}@mx\\.petrel\\.test>\r\n");
    assertThat(stored).endsWith("\r\n\r\nbody Bcc: stays in the body\r\n");
  }

  @Test
  void twoFromFieldsAreRefusedAtBdatLast() {
    byte[] msg = "From: a@example.org\r\nFrom: b@example.org\r\n\r\nx\r\n".getBytes(UTF_8);
    SessionHarness h = bdat(TX, msg);
    assertThat(h.run().codes()).contains("554 5.6.0");
    assertThat(h.store.messages()).isEmpty();
  }

  @Test
  void binarymimeKeepsNulInTheBodyButNotInTheHeader() {
    String mail =
        "EHLO c.example\r\nMAIL FROM:<a@example.org> BODY=BINARYMIME\r\n"
            + "RCPT TO:<b@example.net>\r\n";
    byte[] body = "From: a@example.org\r\n\r\nx\u0000y\r\n".getBytes(UTF_8);
    SessionHarness ok = bdat(mail, body);
    assertThat(ok.run().codes()).contains("250 2.0.0");
    assertThat(ok.store.messages().getFirst().text()).endsWith("x\u0000y\r\n");

    byte[] header = "From: a@example.org\r\nSubject: x\u0000y\r\n\r\nz\r\n".getBytes(UTF_8);
    SessionHarness refused = bdat(mail, header);
    assertThat(refused.run().codes()).contains("554 5.6.0");
    assertThat(refused.store.messages()).isEmpty();
  }
}
