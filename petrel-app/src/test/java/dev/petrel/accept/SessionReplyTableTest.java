package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.queue.StorageException;
import dev.petrel.queue.StorageFullException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the listener's reply table (docs/serving.md) that a single session can reach, as a
 * case: the setup, what the client sends, and the exact sequence of reply codes it must get back
 * (greeting included).
 */
class SessionReplyTableTest {

  private static final String EHLO = "EHLO client.example\r\n";
  private static final String TX =
      EHLO + "MAIL FROM:<sender@example.org>\r\nRCPT TO:<rcpt@example.net>\r\n";
  private static final String LONG_LOCAL = "x".repeat(64);

  record Case(String name, Consumer<SessionHarness> setup, String input, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Arguments row(
      String name, Consumer<SessionHarness> setup, String input, String... expected) {
    return Arguments.of(new Case(name, setup, input, List.of(expected)));
  }

  private static final Consumer<SessionHarness> NONE = h -> {};

  static Stream<Arguments> table() {
    return Stream.of(
        row("shutting down at connect", h -> h.shuttingDown.set(true), EHLO, "421 4.3.2"),
        row(
            "shutting down before a new command",
            h -> h.onWrite(w -> h.shuttingDown.set(w.contains("ESMTP Petrel"))),
            EHLO,
            "220",
            "421 4.3.2"),
        row("command timeout", h -> h.timeoutAtEnd = true, EHLO, "220", "250", "421 4.4.2"),
        row(
            "too many errors",
            h -> h.config(c -> SessionHarness.maxErrors(c, 3)),
            "FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n",
            "220",
            "500 5.5.2",
            "500 5.5.2",
            "500 5.5.2",
            "421 4.7.0"),
        row(
            "storage write failed",
            h -> h.store.failCommit(new StorageException("disk error (test)")),
            TX + "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "451 4.3.0"),
        row(
            "disk space below the reserve at DATA",
            h -> h.store.failBegin(new StorageFullException("reserve reached (test)")),
            TX + "DATA\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "452 4.3.1"),
        row(
            "disk filled up during commit",
            h -> h.store.failCommit(new StorageFullException("disk full (test)")),
            TX + "DATA\r\nbody\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "452 4.3.1"),
        row(
            "too many recipients",
            h -> h.config(c -> recipients(c, 2)),
            TX + "RCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.1.5",
            "452 4.5.3"),
        row("unknown command", NONE, EHLO + "FROB x\r\n", "220", "250", "500 5.5.2"),
        row("empty command line", NONE, "\r\n", "220", "500 5.5.2"),
        row(
            "command line of 513 octets",
            NONE,
            "NOOP " + "x".repeat(513 - 7) + "\r\n",
            "220",
            "500 5.5.2"),
        row(
            "command line of exactly 512 octets",
            NONE,
            "NOOP " + "x".repeat(512 - 7) + "\r\n",
            "220",
            "250 2.0.0"),
        row(
            "text line longer than 1000 octets",
            NONE,
            TX + "DATA\r\n" + "y".repeat(999) + "\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "500 5.5.2"),
        row(
            "text line of exactly 1000 octets",
            NONE,
            TX + "DATA\r\n" + "y".repeat(998) + "\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "250 2.0.0"),
        row(
            "bad parameter syntax",
            NONE,
            EHLO + "MAIL FROM:<a@example.org> SIZE=12k\r\n",
            "220",
            "250",
            "501 5.5.4"),
        row(
            "MAIL without FROM:",
            NONE,
            EHLO + "MAIL <a@example.org>\r\n",
            "220",
            "250",
            "501 5.5.4"),
        row(
            "bad sender address",
            NONE,
            EHLO + "MAIL FROM:<a@@example.org>\r\n",
            "220",
            "250",
            "501 5.1.7"),
        row(
            "sender local part over 64 octets",
            NONE,
            EHLO + "MAIL FROM:<" + LONG_LOCAL + "y@example.org>\r\n",
            "220",
            "250",
            "501 5.1.7"),
        row(
            "bad recipient address",
            NONE,
            EHLO + "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob>\r\n",
            "220",
            "250",
            "250 2.1.0",
            "501 5.1.3"),
        row(
            "null recipient",
            NONE,
            EHLO + "MAIL FROM:<>\r\nRCPT TO:<>\r\n",
            "220",
            "250",
            "250 2.1.0",
            "501 5.1.3"),
        row("EXPN", NONE, EHLO + "EXPN staff\r\n", "220", "250", "502 5.5.1"),
        row("TURN", NONE, EHLO + "TURN\r\n", "220", "250", "502 5.5.1"),
        row("ETRN", NONE, EHLO + "ETRN example.org\r\n", "220", "250", "502 5.5.1"),
        row("VRFY", NONE, EHLO + "VRFY bob\r\n", "220", "250", "252 2.0.0"),
        row("MAIL before EHLO", NONE, "MAIL FROM:<a@example.org>\r\n", "220", "503 5.5.1"),
        row(
            "RCPT before MAIL",
            NONE,
            EHLO + "RCPT TO:<b@example.org>\r\n",
            "220",
            "250",
            "503 5.5.1"),
        row(
            "DATA before RCPT",
            NONE,
            EHLO + "MAIL FROM:<a@example.org>\r\nDATA\r\n",
            "220",
            "250",
            "250 2.1.0",
            "503 5.5.1"),
        row("DATA before MAIL", NONE, EHLO + "DATA\r\n", "220", "250", "503 5.5.1"),
        row(
            "nested MAIL",
            NONE,
            TX + "MAIL FROM:<a@example.org>\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "503 5.5.1"),
        row(
            "AUTH twice",
            SessionHarness::secure,
            EHLO
                + "AUTH PLAIN "
                + plain("alice", "secret")
                + "\r\nAUTH PLAIN "
                + plain("alice", "secret")
                + "\r\n",
            "220",
            "250",
            "235 2.7.0",
            "503 5.5.1"),
        row(
            "AUTH during a transaction",
            NONE,
            TX + "AUTH PLAIN " + plain("alice", "secret") + "\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "503 5.5.1"),
        row(
            "BODY=BINARYMIME with DATA",
            NONE,
            EHLO
                + "MAIL FROM:<a@example.org> BODY=BINARYMIME\r\nRCPT TO:<b@example.org>\r\nDATA\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "503 5.5.1"),
        row(
            "unsupported AUTH mechanism",
            SessionHarness::secure,
            EHLO + "AUTH CRAM-MD5\r\n",
            "220",
            "250",
            "504 5.5.4"),
        row(
            "unknown MAIL parameter",
            NONE,
            EHLO + "MAIL FROM:<a@example.org> FOO=BAR\r\n",
            "220",
            "250",
            "555 5.5.4"),
        row(
            "unknown RCPT parameter",
            NONE,
            EHLO + "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org> XYZ\r\n",
            "220",
            "250",
            "250 2.1.0",
            "555 5.5.4"),
        row(
            "authentication required (AUTH offered under TLS)",
            h -> h.untrusted().secure(),
            EHLO + "MAIL FROM:<a@example.org>\r\n",
            "220",
            "250",
            "530 5.7.0"),
        row(
            "STARTTLS required (TLS available, not yet used)",
            h -> h.untrusted().tls(),
            EHLO + "MAIL FROM:<a@example.org>\r\n",
            "220",
            "250",
            "530 5.7.0"),
        row(
            "bad credentials",
            SessionHarness::secure,
            EHLO + "AUTH PLAIN " + plain("alice", "wrong") + "\r\n",
            "220",
            "250",
            "535 5.7.8"),
        row(
            "AUTH without TLS from outside the trusted networks",
            h -> h.untrusted().tls(),
            EHLO + "AUTH PLAIN " + plain("alice", "secret") + "\r\n",
            "220",
            "250",
            "538 5.7.11"),
        row(
            "declared SIZE over the limit",
            NONE,
            EHLO + "MAIL FROM:<a@example.org> SIZE=26214401\r\n",
            "220",
            "250",
            "552 5.3.4"),
        row(
            "actual size over the limit",
            h -> h.config(c -> SessionHarness.withMaxSize(c, 2048)),
            TX + "DATA\r\n" + "z".repeat(100).concat("\r\n").repeat(25) + ".\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "552 5.3.4"),
        row(
            "relaying without authentication",
            SessionHarness::untrusted,
            TX,
            "220",
            "250",
            "250 2.1.0",
            "554 5.7.1"),
        row(
            "DATA with no valid recipient",
            NONE,
            EHLO + "MAIL FROM:<a@example.org>\r\nRCPT TO:<nobody>\r\nDATA\r\n",
            "220",
            "250",
            "250 2.1.0",
            "501 5.1.3",
            "554 5.5.1"),
        row(
            "UTF-8 sender without SMTPUTF8",
            NONE,
            EHLO + "MAIL FROM:<josé@example.org>\r\n",
            "220",
            "250",
            "553 5.6.7"),
        row(
            "UTF-8 recipient without SMTPUTF8",
            NONE,
            EHLO + "MAIL FROM:<a@example.org>\r\nRCPT TO:<用户@例子.广告>\r\n",
            "220",
            "250",
            "250 2.1.0",
            "553 5.6.7"),
        row(
            "UTF-8 addresses with SMTPUTF8",
            NONE,
            EHLO
                + "MAIL FROM:<josé@example.org> SMTPUTF8\r\nRCPT TO:<用户@例子.广告>\r\nDATA\r\nhi\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "250 2.0.0"),
        row(
            "bare LF in strict mode",
            h -> h.config(SessionHarness::strict),
            TX + "DATA\r\nline one\nline two\r\n.\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "550 5.5.2"),
        row(
            "AUTH cancelled",
            SessionHarness::secure,
            EHLO + "AUTH LOGIN\r\n*\r\n",
            "220",
            "250",
            "334",
            "501 5.7.0"),
        row(
            "QUIT, RSET, NOOP, HELP",
            NONE,
            EHLO + "RSET\r\nNOOP\r\nHELP\r\nQUIT\r\nNOOP\r\n",
            "220",
            "250",
            "250 2.0.0",
            "250 2.0.0",
            "214 2.0.0",
            "221 2.0.0"),
        row(
            "argument to a command that takes none",
            NONE,
            EHLO + "RSET now\r\n",
            "220",
            "250",
            "501 5.5.4"),
        row("EHLO without a name", NONE, "EHLO\r\n", "220", "501 5.5.4"),
        row(
            "STARTTLS without a certificate",
            NONE,
            EHLO + "STARTTLS\r\n",
            "220",
            "250",
            "502 5.5.1"),
        row(
            "STARTTLS twice",
            SessionHarness::secure,
            EHLO + "STARTTLS\r\n",
            "220",
            "250",
            "503 5.5.1"),
        row(
            "an accepted message",
            NONE,
            TX + "DATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n",
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "354",
            "250 2.0.0",
            "221 2.0.0"));
  }

  private static ListenerConfig recipients(ListenerConfig c, int max) {
    return new ListenerConfig(
        c.hostname(),
        c.maxMessageSize(),
        max,
        c.maxErrors(),
        c.timeouts(),
        c.trustedNetworks(),
        c.authWithoutTls(),
        c.strictLineEndings());
  }

  static String plain(String user, String password) {
    return new dev.petrel.protocol.SaslPlain("", user, password).encode();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void repliesAsTheTableSays(Case c) {
    SessionHarness h = new SessionHarness();
    c.setup().accept(h);
    h.send(c.input());
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).as(out.output()).containsExactlyElementsOf(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void repliesTheSameWhenEveryOctetArrivesAlone(Case c) {
    SessionHarness h = new SessionHarness();
    c.setup().accept(h);
    for (byte b : c.input().getBytes(java.nio.charset.StandardCharsets.UTF_8))
      h.send(new byte[] {b});
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes()).as(out.output()).containsExactlyElementsOf(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void everyFinalReplyButTheGreetingAndEhloHasAnEnhancedCode(Case c) {
    SessionHarness h = new SessionHarness();
    c.setup().accept(h);
    h.send(c.input());
    for (String line : h.run().output().split("\r\n")) {
      if (line.isEmpty() || line.startsWith("3")) continue;
      if (line.startsWith("220 " + SessionHarness.HOST) || line.startsWith("250-")) continue;
      if (line.startsWith("250 PIPELINING") || line.startsWith("250 DSN")) continue;
      if (line.startsWith("250 " + SessionHarness.HOST)) continue;
      assertThat(line).matches("[245]\\d\\d[ -][245]\\.\\d{1,3}\\.\\d{1,3}( .*)?");
    }
  }
}
