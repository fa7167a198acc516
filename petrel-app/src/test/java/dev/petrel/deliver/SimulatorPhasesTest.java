package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.status.Bounce;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.ReplyContext;
import dev.petrel.status.StatusEngine;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client against the simulator, one case per phase and seed code (the basic codes of
 * docs/classification.md and the other RFC 5321 codes): the right recipient outcome, the phase, the
 * exact code and enhanced code, and the status engine's classification made with that phase, server
 * and recipient domain.
 */
@Timeout(120)
class SimulatorPhasesTest {

  /** Each code with an enhanced code a real server would send with it. */
  static final List<String> SEEDS =
      List.of(
          "421-4.7.0",
          "450-4.2.1",
          "451-4.3.0",
          "452-4.2.2",
          "500-5.5.2",
          "501-5.1.3",
          "502-5.5.1",
          "503-5.5.1",
          "504-5.5.4",
          "550-5.1.1",
          "551-5.1.6",
          "552-5.2.2",
          "553-5.1.3",
          "554-5.7.1",
          "521-5.3.2",
          "556-5.1.10",
          "530-5.7.0",
          "554",
          "450");

  static SimFixture fixture;
  static final StatusEngine ENGINE = StatusEngine.standard();

  @BeforeAll
  static void start() throws Exception {
    fixture = SimFixture.start(SimulatorOptions.DEFAULTS);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  static Stream<Arguments> seeds() {
    return SEEDS.stream().map(Arguments::of);
  }

  static int code(String seed) {
    return Integer.parseInt(seed.substring(0, 3));
  }

  static String enhanced(String seed) {
    return seed.length() > 4 ? seed.substring(4) : null;
  }

  static Outcome expectedOutcome(String seed) {
    return code(seed) / 100 == 5 ? Outcome.FAILED : Outcome.DEFERRED;
  }

  /** Asserts a recipient's result is exactly the simulated reply, classified in context. */
  static void assertSimulated(RecipientResult r, Phase phase, String seed) {
    Attempt a = r.attempt();
    assertThat(r.outcome())
        .as("outcome for %s at %s", seed, phase)
        .isEqualTo(expectedOutcome(seed));
    assertThat(a.phase()).isEqualTo(phase);
    assertThat(a.remote()).isTrue();
    assertThat(a.reply().code()).isEqualTo(code(seed));
    if (enhanced(seed) != null) {
      assertThat(a.reply().enhanced()).hasToString(enhanced(seed));
      assertThat(a.reply().enhancedInferred()).isFalse();
    }
    assertThat(a.reply().text()).contains("Petrel simulator");
    assertThat(a.mxHost()).isEqualTo("127.0.0.1");
    assertThat(a.mxIp()).isEqualTo("127.0.0.1");
    assertThat(a.classification())
        .isEqualTo(
            ENGINE.classify(a.reply(), new ReplyContext(phase, "127.0.0.1", SimFixture.DOMAIN)));
    if (code(seed) / 100 == 4) assertThat(a.classification().bounce()).isNotEqualTo(Bounce.HARD);
  }

  @ParameterizedTest(name = "RCPT {0}")
  @MethodSource("seeds")
  void rcptReply(String seed) throws Exception {
    TransferResult t = fixture.send("rcpt-" + seed);
    assertThat(t.recipients()).hasSize(1);
    assertSimulated(t.recipients().getFirst(), Phase.RCPT, seed);
  }

  @ParameterizedTest(name = "MAIL {0}")
  @MethodSource("seeds")
  void mailReply(String seed) throws Exception {
    TransferResult t =
        fixture.send(
            SimFixture.job(
                "mail-" + seed + "@example.com", SimFixture.message("x\r\n"), "ok", "ok2"));
    assertThat(t.recipients()).hasSize(2);
    for (RecipientResult r : t.recipients()) assertSimulated(r, Phase.MAIL, seed);
  }

  @ParameterizedTest(name = "DATA command {0}")
  @MethodSource("seeds")
  void dataCommandReply(String seed) throws Exception {
    TransferResult t = fixture.send("datacmd-" + seed);
    assertSimulated(t.recipients().getFirst(), Phase.DATA, seed);
  }

  @ParameterizedTest(name = "end of data {0}")
  @MethodSource("seeds")
  void endOfDataReply(String seed) throws Exception {
    int before = fixture.sim.received().size();
    TransferResult t = fixture.send("data-" + seed);
    assertSimulated(t.recipients().getFirst(), Phase.END_OF_DATA, seed);
    assertThat(fixture.sim.received()).hasSize(before);
  }

  @ParameterizedTest(name = "greeting {0}")
  @MethodSource("seeds")
  void greetingReply(String seed) throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS.withConnectReply(seed))) {
      TransferResult t = f.send("ok");
      assertSimulated(t.recipients().getFirst(), Phase.CONNECT, seed);
      assertThat(f.sim.received()).isEmpty();
      if (code(seed) == 554) assertThat(f.sim.commands()).anyMatch(c -> c.endsWith("QUIT"));
    }
  }

  @ParameterizedTest(name = "EHLO {0}")
  @MethodSource("seeds")
  void ehloReply(String seed) throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS.withEhloReply(seed))) {
      TransferResult t = f.send("ok");
      if (code(seed) / 100 == 4 || code(seed) == 521) {
        // A transient refusal, or 521 (RFC 7504: no mail here), ends the attempt at EHLO.
        assertSimulated(t.recipients().getFirst(), Phase.EHLO, seed);
      } else {
        // RFC 5321 §3.2: a refused EHLO is followed by HELO, which this server takes.
        assertThat(t.recipients().getFirst().outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(f.sim.commands()).anyMatch(c -> c.contains("HELO client.petrel.test"));
      }
    }
  }

  @ParameterizedTest(name = "EHLO and HELO {0}")
  @MethodSource("seeds")
  void ehloAndHeloRefused(String seed) throws Exception {
    String ehlo = code(seed) / 100 == 4 ? "502-5.5.1" : seed;
    try (SimFixture f =
        SimFixture.start(SimulatorOptions.DEFAULTS.withEhloReply(ehlo).withHeloReply(seed))) {
      TransferResult t = f.send("ok");
      assertSimulated(t.recipients().getFirst(), Phase.EHLO, seed);
    }
  }

  @ParameterizedTest(name = "STARTTLS {0}, TLS required")
  @MethodSource("seeds")
  void startTlsReplyWhenRequired(String seed) throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTls(TestTls.serverContext()).withStarttlsReply(seed),
            c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(expectedOutcome(seed));
      assertThat(r.attempt().phase()).isEqualTo(Phase.STARTTLS);
      assertThat(r.attempt().reply().code()).isEqualTo(code(seed));
      assertThat(r.attempt().remote()).isTrue();
      if (code(seed) != 421 && code(seed) != 521)
        assertThat(r.attempt().classification().reason()).isEqualTo(Reason.FAILEDSTARTTLS);
      assertThat(f.sim.received()).isEmpty();
    }
  }

  @ParameterizedTest(name = "STARTTLS {0}, opportunistic")
  @MethodSource("seeds")
  void startTlsRefusedOpportunisticallyContinuesInPlainText(String seed) throws Exception {
    if (code(seed) == 421 || code(seed) == 521) return; // these close the connection
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTls(TestTls.serverContext()).withStarttlsReply(seed))) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(r.attempt().tls()).isNull();
      assertThat(f.sim.received().getFirst().tls()).isNull();
    }
  }

  @Test
  void seedClassificationsAreTheEnginesKnownAnswers() throws Exception {
    assertThat(fixture.send("rcpt-550-5.1.1").recipients().getFirst().attempt().classification())
        .satisfies(
            s -> {
              assertThat(s.reason()).isEqualTo(Reason.USERUNKNOWN);
              assertThat(s.bounce()).isEqualTo(Bounce.HARD);
            });
    assertThat(fixture.send("rcpt-452-4.2.2").recipients().getFirst().attempt().classification())
        .satisfies(s -> assertThat(s.reason()).isEqualTo(Reason.MAILBOXFULL));
    assertThat(fixture.send("data-552-5.3.4").recipients().getFirst().attempt().classification())
        .satisfies(s -> assertThat(s.reason()).isEqualTo(Reason.EMAILTOOLARGE));
    assertThat(fixture.send("rcpt-556-5.1.10").recipients().getFirst().attempt().classification())
        .satisfies(s -> assertThat(s.reason()).isEqualTo(Reason.NOTACCEPT));
  }

  @Test
  void twoHundredCodesDeliverOnlyAfterTheDot() throws Exception {
    RecipientResult ok = fixture.send("data-250-2.0.0").recipients().getFirst();
    assertThat(ok.outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(ok.attempt().phase()).isEqualTo(Phase.END_OF_DATA);
    assertThat(ok.attempt().classification().reason()).isEqualTo(Reason.DELIVERED);
    RecipientResult accepted = fixture.send("rcpt-251-2.1.5").recipients().getFirst();
    assertThat(accepted.outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(accepted.attempt().phase()).isEqualTo(Phase.END_OF_DATA);
  }
}
