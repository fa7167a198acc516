package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Commands that move no mail forward are limited per session, as Postfix's {@code
 * smtpd_junk_command_limit} does; the count starts again after each accepted message.
 */
class SessionJunkCommandTest {

  private static String repeat(String command, int times) {
    return String.join("", Collections.nCopies(times, command + "\r\n"));
  }

  @Test
  void thousandsOfNoopsAndRsetsEndWith421AtTheLimit() {
    SessionHarness h =
        new SessionHarness()
            .send("EHLO c.example\r\n" + repeat("NOOP", 3000) + repeat("RSET", 3000));
    var codes = h.run().codes();
    // 100 junk commands are answered, then the session ends.
    assertThat(codes).hasSize(2 + 100 + 1);
    assertThat(codes.subList(2, 102)).containsOnly("250 2.0.0");
    assertThat(codes.getLast()).isEqualTo("421 4.7.0");
    assertThat(h.events.getLast()).isEqualTo("close: too many junk commands");
  }

  @Test
  void helpVrfyAndUnknownCommandsCountToo() {
    SessionHarness h =
        new SessionHarness()
            .config(c -> SessionHarness.maxErrors(c, 1000).withMaxJunkCommands(4))
            .send("EHLO c.example\r\nHELP\r\nVRFY bob\r\nWIBBLE\r\nEXPN staff\r\nNOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220", "250", "214 2.0.0", "252 2.0.0", "500 5.5.2", "502 5.5.1", "421 4.7.0");
  }

  @Test
  void anAcceptedMessageStartsTheCountAgain() {
    String mail = "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nhi\r\n.\r\n";
    SessionHarness h =
        new SessionHarness()
            .config(c -> c.withMaxJunkCommands(5))
            .send(
                "EHLO c.example\r\n"
                    + repeat("NOOP", 4)
                    + mail
                    + repeat("RSET", 4)
                    + mail
                    + "QUIT\r\n");
    var codes = h.run().codes();
    assertThat(codes.getLast()).isEqualTo("221 2.0.0");
    assertThat(h.store.messages()).hasSize(2);
  }
}
