package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.ReceivedMessage;
import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.model.EmailAddress;
import dev.petrel.model.Recipient;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One message, several recipients: one transaction, each recipient its own result. */
@Timeout(120)
class TransactionTest {

  @Test
  void eachRecipientGetsItsOwnReplyInOneTransaction() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      TransferResult t = f.send("ok", "rcpt-550-5.1.1", "rcpt-450-4.2.1", "other");
      List<RecipientResult> r = t.recipients();
      assertThat(r)
          .extracting(RecipientResult::outcome)
          .containsExactly(Outcome.DELIVERED, Outcome.FAILED, Outcome.DEFERRED, Outcome.DELIVERED);
      assertThat(r.get(1).attempt().classification().reason()).isEqualTo(Reason.USERUNKNOWN);
      assertThat(r.get(0).attempt().phase()).isEqualTo(Phase.END_OF_DATA);
      assertThat(r.get(0).attempt().reply().text()).startsWith("Ok: queued as SIM");
      assertThat(f.sim.received()).hasSize(1);
      assertThat(f.sim.received().getFirst().recipients())
          .containsExactly("ok@sim.test", "other@sim.test");
      assertThat(f.sim.commands().stream().filter(c -> c.contains("MAIL FROM"))).hasSize(1);
      assertThat(t.failovers()).isEmpty();
      assertThat(t.jobId()).isEqualTo("job1");
      assertThat(t.destination()).isEqualTo("sim.test");
    }
  }

  @Test
  void everyRecipientRefusedMeansNoMessage() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      TransferResult t = f.send("rcpt-550-5.1.1", "rcpt-551-5.1.6");
      assertThat(t.recipients()).extracting(RecipientResult::outcome).containsOnly(Outcome.FAILED);
      assertThat(f.sim.received()).isEmpty();
      // The connection stays usable: the next message goes over it after RSET.
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(1);
      assertThat(f.sim.commands()).anyMatch(c -> c.endsWith("RSET"));
    }
  }

  @Test
  void recipientsBeyondTheLimitGoInFurtherTransactions() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c -> c.withClient(c.client().withMaxRecipientsPerTransaction(2)))) {
      TransferResult t = f.send("a", "b", "c", "d", "e");
      assertThat(t.allDelivered()).isTrue();
      assertThat(f.sim.received()).extracting(m -> m.recipients().size()).containsExactly(2, 2, 1);
      assertThat(f.sim.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void tooManyRecipientsAreRetriedInTheNextTransaction() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      TransferResult t = f.send("a", "rcpt-452-4.5.3", "b");
      // RFC 5321 §4.5.3.1.10: the 452 recipient goes again in a transaction of its own; this
      // simulated server refuses it every time, so that second refusal stands.
      assertThat(t.recipients())
          .extracting(RecipientResult::outcome)
          .containsExactly(Outcome.DELIVERED, Outcome.DEFERRED, Outcome.DELIVERED);
      assertThat(f.sim.commands().stream().filter(c -> c.contains("RCPT TO:<rcpt-452"))).hasSize(2);
      assertThat(f.sim.received()).hasSize(1);
    }
  }

  @Test
  void bodyIsDotStuffedAndArrivesExactly() throws Exception {
    String body =
        "From: a@example.com\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n"
            + "middle . dot\r\n.";
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      TransferResult t = f.send(SimFixture.job("s@example.com", bytes, "ok"));
      assertThat(t.allDelivered()).isTrue();
      // The unterminated last line gets its CRLF; nothing else changes.
      assertThat(f.sim.received().getFirst().text()).isEqualTo(body + "\r\n");
    }
  }

  @Test
  void bareLineEndsBecomeCrlf() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      byte[] bytes = "Subject: x\n\nline one\rline two\n.\n".getBytes(StandardCharsets.UTF_8);
      f.send(SimFixture.job("s@example.com", bytes, "ok"));
      assertThat(f.sim.received().getFirst().text())
          .isEqualTo("Subject: x\r\n\r\nline one\r\nline two\r\n.\r\n");
    }
  }

  @Test
  void largeMessageIsStreamed() throws Exception {
    long size = 40L * 1024 * 1024;
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withStorage(10, 1024).withMaxSize(100L * 1024 * 1024))) {
      DeliveryJob job =
          new DeliveryJob(
              "big",
              EmailAddress.parse("s@example.com"),
              List.of(Recipient.of(EmailAddress.parse("ok@sim.test"))),
              size,
              () -> new GeneratedBody(size),
              false,
              false,
              null,
              null);
      TransferResult t = f.send(job);
      assertThat(t.allDelivered()).isTrue();
      ReceivedMessage m = f.sim.received().getFirst();
      assertThat(m.size()).isEqualTo(size);
      assertThat(m.truncated()).isTrue();
      assertThat(m.mailParameters()).contains("SIZE=" + size);
    }
  }

  @Test
  void nullSenderAndDsnParametersGoOnTheWire() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      byte[] body = SimFixture.message("x\r\n");
      DeliveryJob job =
          new DeliveryJob(
              "dsn",
              null,
              List.of(
                  new Recipient(
                      EmailAddress.parse("ok@sim.test"), "SUCCESS,FAILURE", "rfc822;ok@sim.test")),
              body.length,
              () -> new ByteArrayInputStream(body),
              false,
              true,
              "HDRS",
              "env42");
      assertThat(f.send(job).allDelivered()).isTrue();
      assertThat(f.sim.commands())
          .anyMatch(c -> c.endsWith("MAIL FROM:<> BODY=8BITMIME RET=HDRS ENVID=env42"))
          .anyMatch(
              c ->
                  c.endsWith(
                      "RCPT TO:<ok@sim.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;ok@sim.test"));
      assertThat(f.sim.received().getFirst().sender()).isEmpty();
    }
  }

  @Test
  void dsnParametersAreLeftOutWhenTheServerHasNoDsn() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, true, true, true, false, false))) {
      DeliveryJob job =
          new DeliveryJob(
              "dsn",
              EmailAddress.parse("s@example.com"),
              List.of(new Recipient(EmailAddress.parse("ok@sim.test"), "NEVER", null)),
              3,
              () -> new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII)),
              false,
              false,
              "FULL",
              null);
      assertThat(f.send(job).allDelivered()).isTrue();
      assertThat(f.sim.commands()).noneMatch(c -> c.contains("NOTIFY") || c.contains("RET="));
    }
  }

  @Test
  void heloFallbackWhenTheServerRefusesEhlo() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(false, false, false, false, false, false))) {
      assertThat(f.send("ok", "two").allDelivered()).isTrue();
      assertThat(f.sim.commands()).anyMatch(c -> c.endsWith("HELO client.petrel.test"));
      assertThat(f.sim.received().getFirst().mailParameters()).isEmpty();
      assertThat(f.sim.pipelinedGroups()).isZero();
    }
  }

  @Test
  void chunkingSendsBdat() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS, c -> c.withClient(c.client().withChunking(true, 1024)))) {
      StringBuilder b = new StringBuilder("Subject: chunks\r\n\r\n");
      for (int i = 0; i < 200; i++) b.append(".line ").append(i).append("\r\n");
      byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
      TransferResult t = f.send(SimFixture.job("s@example.com", body, "ok", "rcpt-550-5.1.1"));
      assertThat(t.recipients())
          .extracting(RecipientResult::outcome)
          .containsExactly(Outcome.DELIVERED, Outcome.FAILED);
      assertThat(f.sim.commands()).anyMatch(c -> c.matches("\\d+ BDAT \\d+ LAST"));
      assertThat(f.sim.commands()).noneMatch(c -> c.endsWith(" DATA"));
      // BDAT carries the message as it is: no dot-stuffing.
      assertThat(f.sim.received().getFirst().text()).isEqualTo(b.toString());
      assertThat(f.send("data-554-5.7.1").recipients().getFirst().attempt().phase())
          .isEqualTo(Phase.END_OF_DATA);
    }
  }

  @Test
  void unreadableBodyDefersWithoutATransaction() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      DeliveryJob job =
          new DeliveryJob(
              "gone",
              EmailAddress.parse("s@example.com"),
              List.of(Recipient.of(EmailAddress.parse("ok@sim.test"))),
              10,
              () -> {
                throw new IOException("spool file missing");
              },
              false,
              false,
              null,
              null);
      RecipientResult r = f.send(job).recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().reply().enhanced()).hasToString("4.3.0");
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.SYSTEMERROR);
      assertThat(f.sim.commands()).noneMatch(c -> c.contains("MAIL FROM"));
    }
  }

  @Test
  void bodyFailingHalfWayAbortsWithoutTheFinalDot() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      DeliveryJob job =
          new DeliveryJob(
              "half",
              EmailAddress.parse("s@example.com"),
              List.of(Recipient.of(EmailAddress.parse("ok@sim.test"))),
              1_000_000,
              () -> new FailingBody(200_000),
              false,
              false,
              null,
              null);
      RecipientResult r = f.send(job).recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().phase()).isEqualTo(Phase.DATA);
      assertThat(r.attempt().reply().text()).contains("cannot read the message body");
      assertThat(f.sim.received()).isEmpty();
      // The next message opens a new connection: the aborted one is not reused.
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void serverClosingAfter421DefersTheRest() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      TransferResult t = f.send("ok", "rcpt-550-5.1.1", "rcpt-421-4.7.0", "late");
      assertThat(t.recipients())
          .extracting(RecipientResult::outcome)
          .containsExactly(Outcome.DEFERRED, Outcome.FAILED, Outcome.DEFERRED, Outcome.DEFERRED);
      assertThat(t.recipients().get(0).attempt().reply().code()).isEqualTo(421);
      assertThat(t.recipients().get(3).attempt().reply().code()).isEqualTo(421);
      assertThat(f.sim.received()).isEmpty();
    }
  }

  @Test
  void disconnectAtRcptDefersWithALocalReply() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("disconnect").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().phase()).isEqualTo(Phase.RCPT);
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().reply().enhanced()).hasToString("4.4.2");
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.NETWORKERROR);
    }
  }

  @Test
  void slowServerStillDeliversWithinTheTimeouts() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      assertThat(f.send("slow-1").allDelivered()).isTrue();
    }
  }

  @Test
  void slowServerBeyondTheTimeoutIsATimeout() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c ->
                c.withClient(
                    c.client()
                        .withTimeouts(
                            SmtpTimeouts.all(SimFixture.GUARD)
                                .withEndOfData(java.time.Duration.ofMillis(300)))))) {
      RecipientResult r = f.send("slow-5").recipients().getFirst();
      // The dot was sent and the reply did not come in time: it may have been delivered.
      assertThat(r.outcome()).isEqualTo(Outcome.REPLY_LOST);
      assertThat(r.attempt().reply().text()).contains("timed out");
    }
  }

  /** A body of {@code size} octets made up on the fly. */
  static final class GeneratedBody extends InputStream {
    private final byte[] line =
        "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private long left;
    private int at;

    GeneratedBody(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left == 0) return -1;
      left--;
      byte b = line[at];
      at = (at + 1) % line.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) return -1;
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        b[off + i] = line[at];
        at = (at + 1) % line.length;
      }
      left -= n;
      return n;
    }
  }

  /** A body that fails after {@code good} octets, like a spool file on a dying disk. */
  static final class FailingBody extends InputStream {
    private final GeneratedBody inner = new GeneratedBody(Long.MAX_VALUE);
    private long good;

    FailingBody(long good) {
      this.good = good;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (good <= 0) throw new IOException("I/O error reading the spool file");
      int n = inner.read(b, off, (int) Math.min(len, good));
      good -= n;
      return n;
    }
  }
}
