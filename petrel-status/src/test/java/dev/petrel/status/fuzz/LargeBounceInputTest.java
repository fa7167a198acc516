package dev.petrel.status.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.petrel.status.StatusEngine;
import dev.petrel.status.bounce.BounceParser;
import dev.petrel.status.bounce.BounceReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bounce mails of megabytes, deep MIME nesting and huge recipient lists must be parsed in bounded
 * time and without throwing. The time bound is only a guard against a hang or a quadratic blow-up,
 * far above what any of these takes; speed is measured in petrel-bench.
 */
class LargeBounceInputTest {

  private static final Duration HANG_GUARD = Duration.ofSeconds(20);
  private static final int SIZE = 5 * 1024 * 1024;

  private static BounceReport parse(String mail) {
    byte[] bytes = mail.getBytes(StandardCharsets.UTF_8);
    BounceReport r =
        assertTimeoutPreemptively(
            HANG_GUARD, () -> new BounceParser(StatusEngine.standard()).parse(bytes));
    assertThat(r).isNotNull();
    return r;
  }

  private static String repeat(String unit) {
    return unit.repeat(SIZE / unit.length() + 1);
  }

  private static final String HEADERS =
      """
      From: MAILER-DAEMON@mx.example.org
      To: sender@example.com
      Subject: Undelivered Mail Returned to Sender
      Date: Sat, 28 Nov 2026 10:00:00 +0000
      Message-ID: <bounce-1@mx.example.org>
      MIME-Version: 1.0
      """;

  private static String dsn(String perRecipient) {
    return HEADERS
        + """
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Delivery failed.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org

        """
        + perRecipient
        + """

        --B--
        """;
  }

  private static String recipient(int i) {
    return "Final-Recipient: rfc822; user"
        + i
        + "@example.org\nAction: failed\nStatus: 5.1.1\n"
        + "Diagnostic-Code: smtp; 550 5.1.1 <user"
        + i
        + "@example.org>: Recipient address rejected: User unknown\n\n";
  }

  @Test
  void fiveMegabytesOfBodyOnOneLine() {
    parse(HEADERS + "Content-Type: text/plain\n\n" + repeat("550 5.1.1 user unknown "));
  }

  @Test
  void fiveMegabytesOfBodyLines() {
    parse(
        HEADERS
            + "Content-Type: text/plain\n\n"
            + repeat("<user@example.org>: host mx.example.org said: 550 5.1.1 unknown\n"));
  }

  @Test
  void fiveMegabyteDiagnosticCode() {
    parse(
        dsn(
            "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 "
                + repeat("no such user ")
                + "\n"));
  }

  @Test
  void fiveMegabytesOfFoldedHeader() {
    parse(HEADERS + "X-Long: start\n" + repeat(" folded\n") + "Content-Type: text/plain\n\nbody\n");
  }

  @Test
  void tenThousandRecipients() {
    StringBuilder recipients = new StringBuilder();
    for (int i = 0; i < 10_000; i++) recipients.append(recipient(i));
    parse(dsn(recipients.toString()));
  }

  @Test
  void deeplyNestedMultiparts() {
    // mime4j's boundary search grows with the square of the depth (10,000 levels took up to 7 s
    // cold on a busy 2-CPU machine); 5,000 keeps this guard far from its bound.
    int depth = 5_000;
    StringBuilder mail = new StringBuilder(HEADERS);
    mail.append("Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for (int i = 0; i < depth; i++) {
      mail.append("--b").append(i).append('\n');
      mail.append("Content-Type: multipart/mixed; boundary=\"b").append(i + 1).append("\"\n\n");
    }
    mail.append("--b").append(depth).append("\nContent-Type: text/plain\n\n550 5.1.1 unknown\n");
    for (int i = depth; i >= 0; i--) mail.append("--b").append(i).append("--\n");
    parse(mail.toString());
  }

  @Test
  void deeplyNestedMessages() {
    int depth = 10_000;
    StringBuilder mail = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      mail.append("Subject: level ").append(i).append('\n');
      mail.append("Content-Type: message/rfc822\n\n");
    }
    mail.append("Subject: innermost\nContent-Type: text/plain\n\n550 5.1.1 unknown\n");
    parse(HEADERS + "Content-Type: message/rfc822\n\n" + mail);
  }

  @Test
  void manyTinyParts() {
    // 1 MB, some 35,000 parts: far beyond the parser's part limit. Not 5 MB: each part costs the
    // parser two 16 KB buffers today, which makes 5 MB take seconds before the JIT has warmed up.
    StringBuilder mail = new StringBuilder(HEADERS);
    mail.append("Content-Type: multipart/mixed; boundary=\"p\"\n\n");
    String part = "--p\nContent-Type: text/plain\n\nx\n";
    mail.append(part.repeat((1 << 20) / part.length()));
    mail.append("--p--\n");
    parse(mail.toString());
  }
}
