package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** STARTTLS (RFC 3207) done safely: buffered input dropped, state reset. */
class SessionStartTlsTest {

  @Test
  void commandsPipelinedAfterStarttlsAreDiscardedNotRun() {
    SessionHarness h =
        new SessionHarness()
            .untrusted()
            .tls()
            .send("EHLO c.example\r\n")
            // An attacker in the middle appends commands to the plaintext STARTTLS.
            .send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<x@example.net>\r\n")
            .send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n");
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).containsExactly("220", "250", "220 2.0.0", "250", "530 5.7.0");
    assertThat(h.connection.handshakes()).isEqualTo(1);
    assertThat(h.events)
        .contains("discarded 55 octets sent after STARTTLS before the handshake")
        .contains("tls TLSv1.3 TLS_AES_128_GCM_SHA256")
        .noneMatch(e -> e.contains("evil"));
  }

  @Test
  void theSessionStartsAgainFromBeforeEhlo() {
    SessionHarness h =
        new SessionHarness()
            .untrusted()
            .tls()
            .lines("EHLO c.example", "STARTTLS", "MAIL FROM:<a@example.org>", "EHLO c.example");
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).containsExactly("220", "250", "220 2.0.0", "503 5.5.1", "250");
    String secondEhlo = out.replies().getLast();
    assertThat(secondEhlo).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
  }

  @Test
  void authenticationBeforeStarttlsIsForgotten() {
    SessionHarness h =
        new SessionHarness()
            .untrusted()
            .tls()
            .config(SessionHarness::authWithoutTls)
            .lines(
                "EHLO c.example",
                "AUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"),
                "STARTTLS",
                "EHLO c.example",
                "MAIL FROM:<a@example.org>");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "235 2.7.0", "220 2.0.0", "250", "530 5.7.0");
  }

  @Test
  void afterTlsAndAuthTheMessageSaysEsmtpsa() {
    SessionHarness h =
        new SessionHarness()
            .untrusted()
            .tls()
            .lines(
                "EHLO c.example",
                "STARTTLS",
                "EHLO c.example",
                "AUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"),
                "MAIL FROM:<alice@example.org>",
                "RCPT TO:<bob@example.net>",
                "DATA",
                "hi",
                ".");
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    assertThat(h.store.messages().getFirst().text()).contains("with ESMTPSA id");
  }

  @Test
  void failedHandshakeEndsTheSession() {
    SessionHarness h = new SessionHarness().tls().lines("EHLO c.example", "STARTTLS", "NOOP");
    h.failHandshake = true;
    assertThat(h.run().codes()).containsExactly("220", "250", "220 2.0.0");
    assertThat(h.events.getLast()).startsWith("close: tls handshake failed");
  }

  @Test
  void starttlsIsRefusedDuringATransactionAndWithArguments() {
    SessionHarness h =
        new SessionHarness()
            .tls()
            .lines("EHLO c.example", "STARTTLS now", "MAIL FROM:<a@example.org>", "STARTTLS");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "501 5.5.4", "250 2.1.0", "503 5.5.1");
  }

  @Test
  void starttlsBeforeEhloIsBadSequence() {
    assertThat(new SessionHarness().tls().lines("STARTTLS").run().codes())
        .containsExactly("220", "503 5.5.1");
  }
}
