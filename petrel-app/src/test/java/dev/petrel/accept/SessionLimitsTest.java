package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Recipients, errors, timeouts and shutting down. */
class SessionLimitsTest {

  @Test
  void the1001stRecipientGets452AndTheMessageGoesToTheFirst1000() {
    StringBuilder in = new StringBuilder("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n");
    for (int i = 1; i <= 1001; i++) in.append("RCPT TO:<r").append(i).append("@example.net>\r\n");
    in.append("DATA\r\nhi\r\n.\r\n");
    SessionHarness h = new SessionHarness().send(in.toString());
    var codes = h.run().codes();
    assertThat(codes.subList(3, 1003)).containsOnly("250 2.1.5");
    assertThat(codes.get(1003)).isEqualTo("452 4.5.3");
    assertThat(codes.subList(1004, codes.size())).containsExactly("354", "250 2.0.0");
    var recipients = h.store.messages().getFirst().envelope().recipients();
    assertThat(recipients).hasSize(1000);
    assertThat(recipients.getLast().address().toString()).isEqualTo("r1000@example.net");
    // Too many recipients is not the client's error: no disconnection for it.
    assertThat(h.events).noneMatch(e -> e.contains("too many errors"));
  }

  @Test
  void errorsAddUpToA421() {
    SessionHarness h =
        new SessionHarness()
            .config(c -> SessionHarness.maxErrors(c, 2))
            .send("EHLO c.example\r\nRCPT TO:<b@example.net>\r\nMAIL FROM:<a@@b>\r\nNOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "503 5.5.1", "501 5.1.7", "421 4.7.0");
    assertThat(h.events.getLast()).isEqualTo("close: too many errors");
  }

  @Test
  void timeoutWhileWaitingForACommandIs421() {
    SessionHarness h = new SessionHarness().send("EHLO c.example\r\n");
    h.timeoutAtEnd = true;
    assertThat(h.run().codes()).containsExactly("220", "250", "421 4.4.2");
    assertThat(h.connection.readTimeouts()).containsExactly(Duration.ofMinutes(5));
    assertThat(h.events.getLast()).isEqualTo("close: timeout");
  }

  @Test
  void timeoutDuringDataIs421AndStoresNothing() {
    SessionHarness h =
        new SessionHarness()
            .send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")
            .send("DATA\r\npart of the body\r\n");
    h.timeoutAtEnd = true;
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "421 4.4.2");
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.store.discarded).isEqualTo(1);
    // Commands wait up to 5 minutes, data blocks up to 3 (RFC 5321 section 4.5.3.2).
    assertThat(h.connection.readTimeouts())
        .containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(3));
  }

  @Test
  void shuttingDownLetsTheMessageInFlightFinish() {
    SessionHarness h = new SessionHarness();
    h.onWrite(w -> h.shuttingDown.compareAndSet(false, w.contains("354 ")));
    h.send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
        .send("the body\r\n.\r\n")
        .send("MAIL FROM:<a@example.org>\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "421 4.3.2");
    assertThat(h.store.messages()).hasSize(1);
    assertThat(h.events.getLast()).isEqualTo("close: shutting down");
  }

  @Test
  void shuttingDownLetsAChunkedMessageFinish() {
    SessionHarness h = new SessionHarness();
    h.onWrite(w -> h.shuttingDown.compareAndSet(false, w.contains("3 octets received")));
    h.send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")
        .send("BDAT 3\r\nabc")
        .send("BDAT 3 LAST\r\ndef")
        .send("NOOP\r\n");
    assertThat(h.run().codes())
        .containsExactly(
            "220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "250 2.0.0", "421 4.3.2");
    assertThat(h.store.messages()).hasSize(1);
  }

  @Test
  void shuttingDownRefusesANewTransaction() {
    SessionHarness h = new SessionHarness();
    h.onWrite(w -> h.shuttingDown.compareAndSet(false, w.contains("2.1.5")));
    h.send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")
        .send("DATA\r\n");
    assertThat(h.run().codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "421 4.3.2");
    assertThat(h.store.begun).isZero();
  }

  @Test
  void clientVanishingMidCommandEndsTheSessionQuietly() {
    SessionHarness h = new SessionHarness().send("EHLO c.example\r\nMAIL FROM:<a@exa");
    assertThat(h.run().codes()).containsExactly("220", "250");
    assertThat(h.events.getLast()).isEqualTo("close: client closed the connection mid-command");
  }

  @Test
  void observerHearsEachEventInOrder() {
    SessionHarness h = new SessionHarness().untrusted();
    h.config = SessionHarness.authWithoutTls(h.config);
    h.send(
        "EHLO c.example\r\nAUTH PLAIN "
            + SessionReplyTableTest.plain("alice", "nope")
            + "\r\nAUTH PLAIN "
            + SessionReplyTableTest.plain("alice", "secret")
            + "\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
    h.run();
    var events = h.events.stream().filter(e -> !e.startsWith("pipelining")).toList();
    assertThat(events.get(0)).isEqualTo("connect from 192.0.2.10");
    assertThat(events.get(1)).isEqualTo("ehlo c.example");
    assertThat(events.get(2)).isEqualTo("auth failed user=alice mechanism=PLAIN failures=1");
    assertThat(events.get(3)).isEqualTo("auth ok user=alice mechanism=PLAIN");
    assertThat(events.get(4)).isEqualTo("mail from=<a@example.org>");
    assertThat(events.get(5)).isEqualTo("rcpt to=<b@example.net> accepted");
    assertThat(events.get(6)).matches("\\[[0-9A-Z]{16}] queued size=4 recipients=1");
    assertThat(events.get(7)).isEqualTo("close: quit");
    assertThat(Collections.frequency(events, "close: quit")).isEqualTo(1);
  }
}
