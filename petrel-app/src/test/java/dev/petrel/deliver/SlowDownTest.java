package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.status.Action;
import dev.petrel.status.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Replies classified slow-down lower the destination's limits; greylisting passes on retry. */
@Timeout(60)
class SlowDownTest {

  @Test
  void rateLimitReplyHalvesTheDestinationsLimits() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("rate-421").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.RATELIMITED);
      assertThat(r.attempt().classification().action()).isEqualTo(Action.SLOW_DOWN);
      DestinationLimiter.State s = f.deliverer.limiter().state("sim.test");
      assertThat(s.connectionLimit()).isEqualTo(DestinationLimits.DEFAULTS.maxConnections() / 2);
      assertThat(s.rate()).isFinite();
      assertThat(s.lastSlowDown()).isNotNull();
      assertThat(f.events).anyMatch(e -> e.startsWith("slowed sim.test"));
    }
  }

  @Test
  void permanentRateRefusalSlowsDownToo() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("rate-550-5.7.1").recipients().getFirst();
      assertThat(r.attempt().classification().action()).isEqualTo(Action.SLOW_DOWN);
      assertThat(f.deliverer.limiter().state("sim.test").connectionLimit()).isLessThan(20);
    }
  }

  @Test
  void ordinaryFailuresDoNotSlowDown() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      f.send("rcpt-550-5.1.1", "rcpt-451-4.3.0");
      assertThat(f.deliverer.limiter().state("sim.test").connectionLimit()).isEqualTo(20);
    }
  }

  @Test
  void greylistedRecipientIsDeliveredOnTheRetry() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult first = f.send("greylist").recipients().getFirst();
      assertThat(first.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(first.attempt().reply().code()).isEqualTo(450);
      assertThat(first.attempt().classification().reason()).isEqualTo(Reason.GREYLISTED);
      assertThat(first.attempt().classification().action()).isEqualTo(Action.RETRY_AFTER);
      assertThat(first.attempt().classification().retryAfter()).isPositive();
      RecipientResult retry = f.send("greylist").recipients().getFirst();
      assertThat(retry.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(f.sim.received()).hasSize(1);
    }
  }

  @Test
  void slowReplyBeyondTheRcptTimeoutDefers() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c ->
                c.withClient(
                    c.client()
                        .withTimeouts(
                            SmtpTimeouts.all(SimFixture.GUARD)
                                .withRcpt(Duration.ofMillis(300)))))) {
      // The delay starts with the slow recipient; the next RCPT's reply comes too late.
      RecipientResult late = f.send("slow-5", "second").recipients().get(1);
      assertThat(late.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(late.attempt().reply().text()).contains("timed out");
    }
  }
}
