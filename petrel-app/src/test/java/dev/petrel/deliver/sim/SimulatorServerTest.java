package dev.petrel.deliver.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator as any SMTP client sees it, command by command. */
@Timeout(60)
class SimulatorServerTest {

  SimulatorServer sim;

  int start(SimulatorOptions o) throws Exception {
    sim = new SimulatorServer(o);
    return sim.start(0);
  }

  @AfterEach
  void stop() {
    if (sim != null) sim.stop();
  }

  static void hello(RawClient c) throws Exception {
    assertThat(c.reply()).startsWith("220 ");
    assertThat(c.command("EHLO me.test")).startsWith("250-");
  }

  @Test
  void announcesItsExtensions() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS.withMaxSize(5000));
    try (RawClient c = new RawClient(port)) {
      assertThat(c.reply()).isEqualTo("220 simulator.petrel.test ESMTP Petrel mailbox simulator");
      assertThat(c.command("EHLO me.test"))
          .isEqualTo(
              "250-simulator.petrel.test greets me.test\n250-PIPELINING\n250-SIZE 5000\n"
                  + "250-8BITMIME\n250-SMTPUTF8\n250-CHUNKING\n250-DSN\n250 ENHANCEDSTATUSCODES");
      assertThat(c.command("NOOP")).startsWith("250");
      assertThat(c.command("VRFY x")).startsWith("252");
      assertThat(c.command("FOO")).startsWith("500 5.5.2");
      assertThat(c.command("QUIT")).startsWith("221");
      assertThat(c.reply()).isNull();
    }
  }

  @Test
  void deliversAndStores() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS);
    try (RawClient c = new RawClient(port)) {
      hello(c);
      assertThat(c.command("MAIL FROM:<a@x.test> BODY=8BITMIME")).startsWith("250 2.1.0");
      assertThat(c.command("RCPT TO:<ok@sim.test>")).startsWith("250 2.1.5");
      assertThat(c.command("RCPT TO:<rcpt-550-5.1.1+1@sim.test>"))
          .isEqualTo(
              "550 5.1.1 simulated reply 550 to RCPT for rcpt-550-5.1.1+1@sim.test (Petrel simulator)");
      assertThat(c.command("DATA")).startsWith("354");
      assertThat(c.command("Subject: t\r\n\r\n..dot\r\nend\r\n."))
          .startsWith("250 2.0.0 Ok: queued as SIM");
    }
    ReceivedMessage m = sim.received().getFirst();
    assertThat(m.sender()).isEqualTo("a@x.test");
    assertThat(m.recipients()).containsExactly("ok@sim.test");
    assertThat(m.text()).isEqualTo("Subject: t\r\n\r\n.dot\r\nend\r\n");
    assertThat(m.helo()).isEqualTo("me.test");
    assertThat(m.mailParameters()).isEqualTo("BODY=8BITMIME");
    assertThat(m.connection()).isEqualTo(1);
  }

  @Test
  void commandOrderAndParametersAreChecked() throws Exception {
    int port =
        start(SimulatorOptions.DEFAULTS.withExtensions(true, true, false, false, false, false));
    try (RawClient c = new RawClient(port)) {
      assertThat(c.reply()).startsWith("220");
      assertThat(c.command("MAIL FROM:<a@x.test>")).startsWith("503");
      assertThat(c.command("EHLO me")).startsWith("250");
      assertThat(c.command("RCPT TO:<b@x.test>")).startsWith("503");
      assertThat(c.command("DATA")).startsWith("503");
      assertThat(c.command("MAIL FROM:<a@x.test> BODY=8BITMIME")).startsWith("555");
      assertThat(c.command("MAIL FROM:<a@x.test> SMTPUTF8")).startsWith("555");
      assertThat(c.command("MAIL FROM:<a@x.test> RET=HDRS")).startsWith("555");
      assertThat(c.command("MAIL FROM:<a@x.test> FOO=1")).startsWith("555");
      assertThat(c.command("MAIL FROM:a@x.test")).startsWith("501");
      assertThat(c.command("MAIL FROM:<jörg@x.test>")).startsWith("553 5.6.7");
      assertThat(c.command("MAIL FROM:<a@x.test>")).startsWith("250");
      assertThat(c.command("MAIL FROM:<a@x.test>")).startsWith("503");
      assertThat(c.command("RCPT TO:<b@x.test> NOTIFY=NEVER")).startsWith("555");
      assertThat(c.command("DATA")).startsWith("554 5.5.1");
      assertThat(c.command("RSET")).startsWith("250");
    }
  }

  @Test
  void sizeLimitAtMailAndAfterData() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS.withMaxSize(10));
    try (RawClient c = new RawClient(port)) {
      hello(c);
      assertThat(c.command("MAIL FROM:<a@x.test> SIZE=11")).startsWith("552 5.3.4");
      assertThat(c.command("MAIL FROM:<a@x.test> SIZE=5")).startsWith("250");
      assertThat(c.command("RCPT TO:<b@x.test>")).startsWith("250");
      assertThat(c.command("DATA")).startsWith("354");
      assertThat(c.command("more than ten octets\r\n.")).startsWith("552 5.3.4");
    }
    assertThat(sim.received()).isEmpty();
  }

  @Test
  void greylistingIsPerSenderAndRecipient() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS);
    try (RawClient c = new RawClient(port)) {
      hello(c);
      c.command("MAIL FROM:<a@x.test>");
      assertThat(c.command("RCPT TO:<greylist@sim.test>")).startsWith("450 4.2.0");
      assertThat(c.command("RCPT TO:<greylist@sim.test>")).startsWith("250");
      c.command("RSET");
      c.command("MAIL FROM:<other@x.test>");
      assertThat(c.command("RCPT TO:<greylist@sim.test>")).startsWith("450 4.2.0");
    }
  }

  @Test
  void refusedGreetingWaitsForQuit() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS.withConnectReply("554-5.7.1"));
    try (RawClient c = new RawClient(port)) {
      assertThat(c.reply()).startsWith("554 5.7.1");
      assertThat(c.command("EHLO me")).startsWith("503 5.5.1");
      assertThat(c.command("QUIT")).startsWith("221");
    }
  }

  @Test
  void closingCodesClose() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS.withConnectReply("421-4.3.2"));
    try (RawClient c = new RawClient(port)) {
      assertThat(c.reply()).startsWith("421 4.3.2");
      assertThat(c.reply()).isNull();
    }
  }

  @Test
  void rcpt421ClosesAfterTheReply() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS);
    try (RawClient c = new RawClient(port)) {
      hello(c);
      c.command("MAIL FROM:<a@x.test>");
      assertThat(c.command("RCPT TO:<rate-421@sim.test>")).contains("rate limit");
      assertThat(c.reply()).isNull();
    }
  }

  @Test
  void bdatChunks() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS);
    try (RawClient c = new RawClient(port)) {
      hello(c);
      c.command("MAIL FROM:<a@x.test>");
      c.command("RCPT TO:<b@sim.test>");
      c.send("BDAT 6\r\n.abc\r\n");
      assertThat(c.reply()).startsWith("250 2.0.0 6 octets");
      c.send("BDAT 4 LAST\r\nde\r\n");
      assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued");
      assertThat(c.command("NOOP")).startsWith("250");
    }
    assertThat(sim.received().getFirst().text()).isEqualTo(".abc\r\nde\r\n");
  }

  @Test
  void storageIsBounded() throws Exception {
    int port = start(SimulatorOptions.DEFAULTS.withStorage(2, 4));
    try (RawClient c = new RawClient(port)) {
      hello(c);
      for (int i = 0; i < 3; i++) {
        c.command("MAIL FROM:<a@x.test>");
        c.command("RCPT TO:<m" + i + "@sim.test>");
        c.command("DATA");
        c.command("message " + i + "\r\n.");
      }
    }
    assertThat(sim.received())
        .extracting(m -> m.recipients().getFirst())
        .containsExactly("m1@sim.test", "m2@sim.test");
    assertThat(sim.received().getFirst().truncated()).isTrue();
    assertThat(sim.received().getFirst().text()).isEqualTo("mess");
    assertThat(sim.received().getFirst().size()).isEqualTo(11);
    sim.clearReceived();
    assertThat(sim.received()).isEmpty();
  }

  @Test
  void idleClientsAreDisconnected() throws Exception {
    int port =
        start(
            SimulatorOptions.DEFAULTS.withTimings(
                Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(1)));
    try (RawClient c = new RawClient(port)) {
      assertThat(c.reply()).startsWith("220");
      await().until(() -> sim.openConnections() == 0);
    }
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> SimulatorOptions.DEFAULTS.withConnectReply("42"))
        .hasMessageContaining("CODE-ENHANCED");
    assertThatThrownBy(() -> SimulatorOptions.DEFAULTS.withMaxSize(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void startTwiceIsRefusedAndStopIsIdempotent() throws Exception {
    start(SimulatorOptions.DEFAULTS);
    assertThatThrownBy(() -> sim.start(0)).isInstanceOf(IllegalStateException.class);
    sim.stop();
    sim.stop();
  }
}
