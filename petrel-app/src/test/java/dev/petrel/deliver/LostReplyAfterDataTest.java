package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reply lost after the final dot is its own outcome: the server may have the message, so a retry
 * may duplicate it (RFC 1047). The simulator indeed keeps such messages.
 */
@Timeout(60)
class LostReplyAfterDataTest {

  static SimFixture shortEndOfData() throws Exception {
    return SimFixture.start(
        SimulatorOptions.DEFAULTS,
        c ->
            c.withClient(
                c.client()
                    .withTimeouts(
                        SmtpTimeouts.all(SimFixture.GUARD).withEndOfData(Duration.ofMillis(500)))));
  }

  @Test
  void noReplyAfterTheDotIsReplyLost() throws Exception {
    try (SimFixture f = shortEndOfData()) {
      TransferResult t = f.send("timeout-after-data", "ok", "rcpt-550-5.1.1");
      assertThat(t.recipients())
          .extracting(RecipientResult::outcome)
          .containsExactly(Outcome.REPLY_LOST, Outcome.REPLY_LOST, Outcome.FAILED);
      Attempt a = t.recipients().getFirst().attempt();
      assertThat(a.phase()).isEqualTo(Phase.END_OF_DATA);
      assertThat(a.remote()).isFalse();
      assertThat(a.reply().enhanced()).hasToString("4.4.2");
      assertThat(a.reply().text()).contains("may have been delivered").contains("timed out");
      assertThat(a.classification().reason()).isEqualTo(Reason.NETWORKERROR);
      // The server did take it.
      assertThat(f.sim.received()).hasSize(1);
      // And the connection is not reused.
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void connectionDroppedAfterTheDotIsReplyLost() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("disconnect-after-data").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.REPLY_LOST);
      assertThat(r.attempt().reply().text()).contains("connection was closed");
      assertThat(f.sim.received()).hasSize(1);
    }
  }

  @Test
  void connectionDroppedBeforeTheDotIsAPlainDeferral() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("datacmd-421-4.3.2").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().phase()).isEqualTo(Phase.DATA);
    }
  }
}
