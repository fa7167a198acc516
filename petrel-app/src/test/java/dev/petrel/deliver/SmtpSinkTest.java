package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against Postfix's smtp-sink as the remote server, including its options that refuse
 * chosen commands with 4xx ({@code -r}) or 5xx ({@code -f}), answer 421 and hang up ({@code -Q}),
 * or hang up without a word ({@code -q}).
 */
@Timeout(120)
class SmtpSinkTest {

  @TempDir Path dir;

  static Deliverer deliverer(int port, UnaryOperator<DeliveryConfig> tweak) {
    DeliveryConfig c = tweak.apply(SimFixture.config(port));
    return new Deliverer(
        c,
        new Router(c.routing(), new InMemoryDns(), RandomGenerator.getDefault()),
        StatusEngine.standard(),
        InstantSource.system(),
        DeliveryObserver.NONE);
  }

  static TransferResult send(int port, String... rcpts) throws Exception {
    return send(port, c -> c, rcpts);
  }

  static TransferResult send(int port, UnaryOperator<DeliveryConfig> tweak, String... rcpts)
      throws Exception {
    try (Deliverer d = deliverer(port, tweak)) {
      return d.deliver(
          SimFixture.job("sender@example.com", SimFixture.message(".dotted\r\nbody\r\n"), rcpts));
    }
  }

  static void assertReply(RecipientResult r, Outcome o, Phase phase, int code) {
    assertThat(r.outcome()).isEqualTo(o);
    assertThat(r.attempt().phase()).isEqualTo(phase);
    assertThat(r.attempt().reply().code()).isEqualTo(code);
    assertThat(r.attempt().remote()).isTrue();
  }

  @Test
  void deliversWithDotStuffing() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir)) {
      TransferResult t = send(sink.port, "a", "b");
      assertThat(t.allDelivered()).isTrue();
      assertThat(t.recipients().getFirst().attempt().reply().code()).isEqualTo(250);
      assertThat(sink.messages()).hasSize(1);
      String dump = sink.messages().getFirst();
      assertThat(dump).contains("X-Rcpt-Args: <a@sim.test>").contains("X-Rcpt-Args: <b@sim.test>");
      assertThat(dump).contains("X-Mail-Args: <sender@example.com>");
      assertThat(dump).contains("\n.dotted\n");
      assertThat(sink.commands())
          .containsSubsequence("MAIL FROM:<sender@example.com>", "DATA", ".");
    }
  }

  @Test
  void reusesTheConnection() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir);
        Deliverer d = deliverer(sink.port, c -> c)) {
      for (int i = 0; i < 4; i++)
        assertThat(
                d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), "r"))
                    .allDelivered())
            .isTrue();
      assertThat(sink.messages()).hasSize(4);
      assertThat(sink.connections()).isEqualTo(1);
      assertThat(sink.commands().stream().filter(c -> c.equals("RSET"))).hasSize(3);
    }
  }

  @Test
  void hardRefusalAtRcpt() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-f", "RCPT", "-B", "550 5.1.1 User unknown")) {
      RecipientResult r = send(sink.port, "nobody").recipients().getFirst();
      assertReply(r, Outcome.FAILED, Phase.RCPT, 550);
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.USERUNKNOWN);
      assertThat(sink.messages()).isEmpty();
    }
  }

  @Test
  void defaultHardRefusalAtRcpt() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-f", "RCPT")) {
      RecipientResult r = send(sink.port, "x").recipients().getFirst();
      assertReply(r, Outcome.FAILED, Phase.RCPT, 500);
      assertThat(r.attempt().reply().enhanced()).hasToString("5.3.0");
    }
  }

  @Test
  void softRefusalAtMail() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-r", "MAIL")) {
      TransferResult t = send(sink.port, "a", "b");
      for (RecipientResult r : t.recipients()) assertReply(r, Outcome.DEFERRED, Phase.MAIL, 450);
      assertThat(t.recipients().getFirst().attempt().reply().enhanced()).hasToString("4.3.0");
    }
  }

  @Test
  void refusalAtTheDataCommand() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-f", "DATA")) {
      assertReply(send(sink.port, "a").recipients().getFirst(), Outcome.FAILED, Phase.DATA, 500);
    }
  }

  @Test
  void refusalsAfterTheDot() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-r", ".")) {
      assertReply(
          send(sink.port, "a").recipients().getFirst(), Outcome.DEFERRED, Phase.END_OF_DATA, 450);
    }
    try (SmtpSink sink = SmtpSink.start(dir, "-f", ".", "-B", "552 5.3.4 Message too big")) {
      RecipientResult r = send(sink.port, "a").recipients().getFirst();
      assertReply(r, Outcome.FAILED, Phase.END_OF_DATA, 552);
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.EMAILTOOLARGE);
    }
  }

  @Test
  void refusedGreetingAndEhlo() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-r", "CONNECT")) {
      assertReply(
          send(sink.port, "a").recipients().getFirst(), Outcome.DEFERRED, Phase.CONNECT, 450);
    }
    try (SmtpSink sink = SmtpSink.start(dir, "-r", "EHLO")) {
      assertReply(send(sink.port, "a").recipients().getFirst(), Outcome.DEFERRED, Phase.EHLO, 450);
    }
    try (SmtpSink sink = SmtpSink.start(dir, "-f", "EHLO")) {
      // A hard EHLO refusal leads to HELO, which smtp-sink takes.
      assertThat(send(sink.port, "a").allDelivered()).isTrue();
      assertThat(sink.commands()).anyMatch(c -> c.startsWith("HELO"));
    }
  }

  @Test
  void withoutEsmtpHeloIsUsed() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-e")) {
      assertThat(send(sink.port, "a", "b").allDelivered()).isTrue();
      assertThat(sink.commands()).anyMatch(c -> c.startsWith("HELO"));
    }
  }

  @Test
  void fourTwentyOneAndHangUpAtRcpt() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-Q", "RCPT")) {
      TransferResult t = send(sink.port, "a", "b");
      for (RecipientResult r : t.recipients()) assertReply(r, Outcome.DEFERRED, Phase.RCPT, 421);
    }
  }

  @Test
  void hangUpWithoutReplyAtRcpt() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-q", "RCPT")) {
      RecipientResult r = send(sink.port, "a").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().phase()).isEqualTo(Phase.RCPT);
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().reply().enhanced()).hasToString("4.4.2");
    }
  }

  @Test
  void hangUpAfterTheDotIsAReplyLost() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-q", ".")) {
      RecipientResult r = send(sink.port, "a").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.REPLY_LOST);
      assertThat(r.attempt().phase()).isEqualTo(Phase.END_OF_DATA);
      assertThat(r.attempt().reply().text()).contains("may have been delivered");
    }
  }

  @Test
  void slowReplyBeyondTheTimeout() throws Exception {
    // Without pipelining (-p): smtp-sink answers a delayed command's pipelined successors first.
    try (SmtpSink sink = SmtpSink.start(dir, "-p", "-W", "RCPT:3")) {
      RecipientResult r =
          send(
                  sink.port,
                  c ->
                      c.withClient(
                          c.client()
                              .withTimeouts(
                                  SmtpTimeouts.all(SimFixture.GUARD)
                                      .withRcpt(Duration.ofMillis(300)))),
                  "a")
              .recipients()
              .getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().phase()).isEqualTo(Phase.RCPT);
      assertThat(r.attempt().reply().text()).contains("timed out");
    }
  }

  @Test
  void eightBitBodyWithoutAnnounced8bitmimeIsRefused() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir, "-8")) {
      byte[] body = "Subject: x\r\n\r\ncaf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
      DeliveryJob job =
          new DeliveryJob(
              "8",
              dev.petrel.model.EmailAddress.parse("s@example.com"),
              java.util.List.of(
                  dev.petrel.model.Recipient.of(dev.petrel.model.EmailAddress.parse("a@sim.test"))),
              body.length,
              () -> new java.io.ByteArrayInputStream(body),
              false,
              true,
              null,
              null);
      try (Deliverer d = deliverer(sink.port, c -> c)) {
        RecipientResult r = d.deliver(job).recipients().getFirst();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.attempt().reply().enhanced()).hasToString("5.6.3");
      }
      assertThat(sink.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }
  }
}
