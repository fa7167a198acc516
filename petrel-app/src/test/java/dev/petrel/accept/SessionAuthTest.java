package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** SMTP AUTH PLAIN and LOGIN (RFC 4954, RFC 4616), and who may relay. */
class SessionAuthTest {

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
  }

  private static final String SEND =
      "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nhi\r\n.\r\n";

  private static SessionHarness outsider() {
    return new SessionHarness().untrusted().secure();
  }

  @Test
  void plainWithInitialResponseLetsAnOutsiderRelay() {
    SessionHarness h =
        outsider()
            .send("EHLO c.example\r\nAUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"))
            .send("\r\n" + SEND);
    assertThat(h.run().codes())
        .containsExactly("220", "250", "235 2.7.0", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0");
    assertThat(h.store.messages().getFirst().envelope().account()).isEqualTo("acme");
  }

  @Test
  void plainWithAChallenge() {
    SessionHarness h =
        outsider()
            .lines("EHLO c.example", "AUTH PLAIN", SessionReplyTableTest.plain("alice", "secret"));
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).containsExactly("220", "250", "334", "235 2.7.0");
    assertThat(out.output()).contains("\r\n334 \r\n");
  }

  @Test
  void plainWithAMatchingAuthorizationIdentity() {
    SessionHarness h =
        outsider()
            .lines(
                "EHLO c.example",
                "AUTH PLAIN "
                    + new dev.petrel.protocol.SaslPlain("alice", "alice", "secret").encode());
    assertThat(h.run().codes()).containsExactly("220", "250", "235 2.7.0");
  }

  @Test
  void plainActingAsSomeoneElseIsRefused() {
    SessionHarness h =
        outsider()
            .lines(
                "EHLO c.example",
                "AUTH PLAIN "
                    + new dev.petrel.protocol.SaslPlain("bob", "alice", "secret").encode());
    assertThat(h.run().codes()).containsExactly("220", "250", "535 5.7.8");
  }

  @Test
  void loginWithPrompts() {
    SessionHarness h =
        outsider().lines("EHLO c.example", "AUTH LOGIN", b64("alice"), b64("secret"));
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).containsExactly("220", "250", "334", "334", "235 2.7.0");
    assertThat(out.output()).contains("334 VXNlcm5hbWU6\r\n").contains("334 UGFzc3dvcmQ6\r\n");
  }

  @Test
  void loginWithInitialResponse() {
    SessionHarness h =
        outsider().lines("EHLO c.example", "AUTH LOGIN " + b64("alice"), b64("secret"));
    assertThat(h.run().codes()).containsExactly("220", "250", "334", "235 2.7.0");
  }

  @Test
  void cancellingOrSendingJunkIsRefusedAndAuthCanBeTriedAgain() {
    SessionHarness h =
        outsider()
            .lines(
                "EHLO c.example",
                "AUTH LOGIN",
                b64("alice"),
                "*",
                "AUTH PLAIN not-base64!",
                "AUTH PLAIN " + b64("no nul separators"),
                "AUTH PLAIN =",
                "AUTH LOGIN " + b64("alice"),
                b64("secret"));
    assertThat(h.run().codes())
        .containsExactly(
            "220",
            "250",
            "334",
            "334",
            "501 5.7.0",
            "501 5.5.2",
            "501 5.5.4",
            "501 5.5.4",
            "334",
            "235 2.7.0");
  }

  @Test
  void unauthenticatedOutsiderMayNotRelay() {
    SessionHarness h = outsider().send("EHLO c.example\r\n" + SEND);
    assertThat(h.run().codes()).startsWith("220", "250", "530 5.7.0");
    assertThat(h.store.messages()).isEmpty();
  }

  @Test
  void trustedClientsRelayWithoutAuthAndGetTheDefaultAccount() {
    SessionHarness h = new SessionHarness().send("EHLO c.example\r\n" + SEND);
    assertThat(h.run().lastCode()).isEqualTo("250 2.0.0");
    assertThat(h.store.messages().getFirst().envelope().account()).isEqualTo("default");
  }

  @Test
  void authIsOfferedOnlyUnderTlsToOutsidersUnlessConfigured() {
    assertThat(new SessionHarness().untrusted().tls().lines("EHLO c").run().output())
        .contains("250-STARTTLS")
        .doesNotContain("AUTH");
    assertThat(new SessionHarness().untrusted().secure().lines("EHLO c").run().output())
        .contains("AUTH PLAIN LOGIN")
        .doesNotContain("STARTTLS");
    assertThat(new SessionHarness().lines("EHLO c").run().output()).contains("AUTH PLAIN LOGIN");
    SessionHarness configured = new SessionHarness().untrusted();
    configured.config = SessionHarness.authWithoutTls(configured.config);
    assertThat(configured.lines("EHLO c").run().output()).contains("AUTH PLAIN LOGIN");
  }

  @Test
  void authWithoutTlsWhenConfiguredWorksForOutsiders() {
    SessionHarness h = new SessionHarness().untrusted();
    h.config = SessionHarness.authWithoutTls(h.config);
    h.lines("EHLO c.example", "AUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"));
    assertThat(h.run().codes()).containsExactly("220", "250", "235 2.7.0");
  }

  @Test
  void repeatedFailuresAreAnsweredSlowerAndSlowerUpToACap() {
    SessionHarness h = outsider().config(c -> SessionHarness.maxErrors(c, 50));
    h.send("EHLO c.example\r\n");
    for (int i = 0; i < 9; i++)
      h.send("AUTH PLAIN " + SessionReplyTableTest.plain("alice", "guess" + i) + "\r\n");
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes().subList(2, 11)).containsOnly("535 5.7.8");
    assertThat(h.pauses)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(16),
            Duration.ofSeconds(16),
            Duration.ofSeconds(16));
  }

  @Test
  void guessingEndsInDisconnectionAtTheErrorLimit() {
    SessionHarness h = outsider().config(c -> SessionHarness.maxErrors(c, 3));
    h.send("EHLO c.example\r\n");
    for (int i = 0; i < 5; i++)
      h.send("AUTH PLAIN " + SessionReplyTableTest.plain("alice", "guess" + i) + "\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "535 5.7.8", "535 5.7.8", "535 5.7.8", "421 4.7.0");
  }

  @Test
  void authenticatorTroubleIsATemporaryFailure() {
    SessionHarness h = outsider();
    h.authenticatorFailure = new IllegalStateException("credential store unavailable");
    h.lines("EHLO c.example", "AUTH PLAIN " + SessionReplyTableTest.plain("alice", "secret"));
    assertThat(h.run().codes()).containsExactly("220", "250", "454 4.7.0");
  }

  @Test
  void authBeforeEhloIsBadSequence() {
    SessionHarness h = outsider().lines("AUTH PLAIN " + SessionReplyTableTest.plain("a", "b"));
    assertThat(h.run().codes()).containsExactly("220", "503 5.5.1");
  }

  @Test
  void throttleDelaysGrowAndStop() {
    assertThat(AuthThrottle.delay(1)).isZero();
    assertThat(AuthThrottle.delay(2)).isEqualTo(AuthThrottle.FIRST_DELAY);
    assertThat(AuthThrottle.delay(3)).isEqualTo(AuthThrottle.FIRST_DELAY.multipliedBy(2));
    assertThat(AuthThrottle.delay(1000)).isEqualTo(AuthThrottle.MAX_DELAY);
  }
}
