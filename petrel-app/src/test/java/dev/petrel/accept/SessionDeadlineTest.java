package dev.petrel.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A slow client cannot stretch the timeouts: every read restarts a socket timeout, so the session
 * also holds deadlines for a whole command line, a whole message and the whole session. Here the
 * client sends a few octets per read and the test clock moves on before each read.
 */
class SessionDeadlineTest {

  private static final ListenerConfig.Timeouts SHORT =
      new ListenerConfig.Timeouts(
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(2));

  private static SessionHarness trickling(Duration perRead) {
    SessionHarness h = new SessionHarness().config(c -> c.withTimeouts(SHORT));
    TestClock clock = new TestClock(SessionHarness.CLOCK.instant());
    h.clock = clock;
    h.onRead = () -> clock.advance(perRead);
    return h;
  }

  /** Splits text into reads of one octet each. */
  private static void oneOctetPerRead(SessionHarness h, String text) {
    for (char c : text.toCharArray()) h.send(String.valueOf(c));
  }

  @Test
  void aCommandTrickledOctetByOctetIsCutAtTheCommandDeadline() {
    SessionHarness h = trickling(Duration.ofMillis(500));
    h.send("EHLO c.example\r\n");
    oneOctetPerRead(h, "MAIL FROM:<alice@example.org> SIZE=1000\r\n");
    var out = h.run();
    // 20 reads of 0.5 s each fit in the 10 s; the line needs 42.
    assertThat(out.codes()).containsExactly("220", "250", "421 4.4.2");
    assertThat(out.last())
        .isEqualTo("421 4.4.2 mx.petrel.test command not received in time, closing connection");
    assertThat(h.events.getLast())
        .isEqualTo("close: timeout: command line not complete within PT10S");
  }

  @Test
  void aCommandThatArrivesInTimeInSeveralReadsIsAnswered() {
    SessionHarness h = trickling(Duration.ofMillis(500));
    h.send("EHLO c.example\r\n");
    oneOctetPerRead(h, "NOOP\r\n");
    h.send("QUIT\r\n");
    assertThat(h.run().codes()).containsExactly("220", "250", "250 2.0.0", "221 2.0.0");
  }

  @Test
  void messageDataTrickledLineByLineIsCutAtTheMessageDeadline() {
    SessionHarness h = trickling(Duration.ofSeconds(2));
    h.send("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
    for (int i = 0; i < 40; i++) h.send("line " + i + "\r\n");
    h.send(".\r\n");
    var out = h.run();
    // Each 2 s pause is well inside the 10 s data-block timeout; 40 of them are not inside 30 s.
    assertThat(out.codes())
        .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "421 4.4.2");
    assertThat(out.last()).contains("message data not received in time");
    assertThat(h.store.messages()).isEmpty();
    assertThat(h.store.discarded).isEqualTo(1);
  }

  @Test
  void aSessionOfPromptCommandsEndsAtTheSessionLimit() {
    SessionHarness h = trickling(Duration.ofSeconds(5));
    h.send("EHLO c.example\r\n");
    // 5 s per command, each well inside the command deadline; the session may last 2 minutes.
    for (int i = 0; i < 60; i++) h.send("MAIL FROM:<a@example.org>\r\nRSET\r\n");
    var out = h.run();
    assertThat(out.lastCode()).isEqualTo("421 4.4.2");
    assertThat(out.last()).contains("session time limit reached");
    assertThat(h.events.getLast()).isEqualTo("close: timeout: session longer than PT2M");
    // Reads start at 0 s, 5 s, 10 s...: the one due at 120 s is refused. Before it, 24 reads: EHLO,
    // then 23 of two commands each.
    assertThat(out.codes()).hasSize(2 + 46 + 1);
  }

  @Test
  void theSocketTimeoutIsNeverLongerThanWhatIsLeftOfTheDeadline() {
    SessionHarness h = trickling(Duration.ofSeconds(3));
    oneOctetPerRead(h, "NOOP\r\n");
    h.run();
    assertThat(h.connection.readTimeouts())
        .allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(10), Duration.ofSeconds(7), Duration.ofSeconds(4));
  }
}
