package dev.petrel.accept;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PIPELINING (RFC 2920): replies to a group leave in order and together. */
class SessionPipeliningTest {

  @Test
  void aGroupInOneWriteGetsAllItsRepliesInOrderInOneWrite() {
    SessionHarness h =
        new SessionHarness()
            .send("EHLO client.example\r\n")
            .send(
                "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                    + "RCPT TO:<bad>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n")
            .send("hello\r\n.\r\n")
            .send("QUIT\r\n");
    SessionHarness.Outcome out = h.run();
    assertThat(out.codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "501 5.1.3",
            "250 2.1.5",
            "354",
            "250 2.0.0",
            "221 2.0.0");
    List<String> writes = h.connection.writes().stream().map(b -> new String(b, UTF_8)).toList();
    assertThat(writes).hasSize(5);
    assertThat(writes.get(2))
        .startsWith("250 2.1.0")
        .contains("250 2.1.5 Recipient ok\r\n501 5.1.3")
        .endsWith("354 End data with <CR><LF>.<CR><LF>\r\n");
  }

  @Test
  void aWholeSessionInOneWriteIsAnsweredInOrder() {
    StringBuilder in = new StringBuilder("EHLO c.example\r\n");
    for (int i = 0; i < 3; i++)
      in.append("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nBDAT 5 LAST\r\nmsg")
          .append(i)
          .append("\n");
    in.append("QUIT\r\n");
    SessionHarness h = new SessionHarness().send(in.toString());
    assertThat(h.run().codes())
        .containsExactly(
            "220",
            "250",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.0.0",
            "221 2.0.0");
    assertThat(h.store.messages()).hasSize(3);
  }

  @Test
  void commandsSplitAnywhereAcrossReadsWork() {
    String all =
        "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
            + "DATA\r\nline\r\n.\r\nQUIT\r\n";
    for (int cut = 1; cut < all.length(); cut += 3) {
      SessionHarness h = new SessionHarness().send(all.substring(0, cut)).send(all.substring(cut));
      assertThat(h.run().codes())
          .as("cut at %d", cut)
          .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
    }
  }

  @Test
  void commandsAfterAGroupEnderAreStillAnsweredAndTheViolationIsReported() {
    SessionHarness h = new SessionHarness().send("EHLO c.example\r\nNOOP\r\nNOOP\r\n");
    assertThat(h.run().codes()).containsExactly("220", "250", "250 2.0.0", "250 2.0.0");
    assertThat(h.events).anyMatch(e -> e.startsWith("pipelining violation: input after EHLO"));
  }

  @Test
  void bareLfCommandLinesAreAcceptedUnlessStrict() {
    String in = "EHLO c.example\nNOOP\n";
    assertThat(new SessionHarness().send(in).run().codes())
        .containsExactly("220", "250", "250 2.0.0");
    assertThat(new SessionHarness().config(SessionHarness::strict).send(in).run().codes())
        .containsExactly("220", "500 5.5.2", "500 5.5.2");
  }

  @Test
  void authLinesMayBeLongerThan512Octets() {
    String user = "u".repeat(600);
    SessionHarness h = new SessionHarness().secure();
    h.passwords.put(user, "pw");
    h.send("EHLO c.example\r\nAUTH PLAIN " + SessionReplyTableTest.plain(user, "pw") + "\r\n");
    assertThat(h.run().codes()).containsExactly("220", "250", "235 2.7.0");
  }
}
