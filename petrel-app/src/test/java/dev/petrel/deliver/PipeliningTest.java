package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.status.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PIPELINING (RFC 2920): MAIL, the RCPTs and DATA in one group when the server offers it. */
@Timeout(60)
class PipeliningTest {

  static List<String> transaction(SimFixture f) {
    return f.sim.commands().stream()
        .map(c -> c.substring(c.indexOf(' ') + 1))
        .filter(c -> !c.startsWith("EHLO") && !c.startsWith("QUIT"))
        .toList();
  }

  @Test
  void mailRcptsAndDataGoAsOneGroup() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      assertThat(f.send("a", "b", "c").allDelivered()).isTrue();
      assertThat(f.sim.pipelinedGroups()).isEqualTo(1);
      assertThat(transaction(f))
          .containsExactly(
              "MAIL FROM:<sender@example.com>",
              "RCPT TO:<a@sim.test>",
              "RCPT TO:<b@sim.test>",
              "RCPT TO:<c@sim.test>",
              "DATA");
    }
  }

  @Test
  void oneCommandAtATimeWithoutPipelining() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, false, true, true, false, true))) {
      assertThat(f.send("a", "b").allDelivered()).isTrue();
      assertThat(f.sim.pipelinedGroups()).isZero();
    }
  }

  @Test
  void pipeliningCanBeTurnedOff() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS, c -> c.withClient(c.client().withPipelining(false)))) {
      assertThat(f.send("a", "b").allDelivered()).isTrue();
      assertThat(f.sim.pipelinedGroups()).isZero();
    }
  }

  @Test
  void refusedMailDecidesForAllAndTheConnectionStaysUsable() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      TransferResult t =
          f.send(SimFixture.job("mail-550-5.7.1@example.com", SimFixture.message("x"), "a", "b"));
      assertThat(t.recipients())
          .allSatisfy(
              r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(r.attempt().phase()).isEqualTo(Phase.MAIL);
                assertThat(r.attempt().reply().code()).isEqualTo(550);
              });
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void withoutPipeliningNoRcptFollowsARefusedMail() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, false, true, true, false, true))) {
      f.send(SimFixture.job("mail-451-4.3.0@example.com", SimFixture.message("x"), "a"));
      assertThat(f.sim.commands()).noneMatch(c -> c.contains("RCPT"));
    }
  }

  @Test
  void noDataWhenEveryRecipientIsRefusedWithoutPipelining() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withExtensions(true, false, true, true, false, true))) {
      f.send("rcpt-550-5.1.1");
      assertThat(f.sim.commands()).noneMatch(c -> c.endsWith(" DATA"));
    }
  }
}
