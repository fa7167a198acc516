package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** STARTTLS per destination policy: none, opportunistic (the default), required. */
@Timeout(60)
class StartTlsTest {

  static SimulatorOptions withTls() {
    return SimulatorOptions.DEFAULTS.withTls(TestTls.serverContext());
  }

  @Test
  void opportunisticUsesTlsWhenOffered() throws Exception {
    try (SimFixture f = SimFixture.start(withTls())) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(r.attempt().tls()).startsWith("TLSv1.3 TLS_");
      assertThat(f.sim.received().getFirst().tls()).isEqualTo(r.attempt().tls());
      // EHLO again after the handshake (RFC 3207 §4.2).
      assertThat(f.sim.commands().stream().filter(c -> c.contains("EHLO"))).hasSize(2);
    }
  }

  @Test
  void opportunisticSendsPlainWhenNotOffered() throws Exception {
    try (SimFixture f = SimFixture.start(SimulatorOptions.DEFAULTS)) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(r.attempt().tls()).isNull();
    }
  }

  @Test
  void opportunisticRetriesInPlainTextAfterAFailedHandshake() throws Exception {
    try (SimFixture f =
        SimFixture.start(SimulatorOptions.DEFAULTS.withTls(TestTls.brokenServerContext()))) {
      TransferResult t = f.send("ok");
      assertThat(t.failovers())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.phase()).isEqualTo(Phase.STARTTLS);
                assertThat(a.reply().enhanced()).hasToString("4.7.5");
              });
      RecipientResult r = t.recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(r.attempt().tls()).isNull();
      assertThat(f.sim.connectionCount()).isEqualTo(2);
      assertThat(f.events).anyMatch(e -> e.startsWith("failed") && e.contains("4.7.5"));
      TransferResult again = f.send("ok");
      assertThat(again.allDelivered()).isTrue();
    }
  }

  @Test
  void requiredDeliversOverTls() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            withTls(), c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(r.attempt().tls()).isNotNull();
    }
  }

  @Test
  void requiredFailsWhenTheServerDoesNotOfferStartTls() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().reply().enhanced()).hasToString("4.7.4");
      assertThat(r.attempt().phase()).isEqualTo(Phase.EHLO);
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.FAILEDSTARTTLS);
      assertThat(f.sim.received()).isEmpty();
      assertThat(f.sim.commands()).noneMatch(c -> c.contains("MAIL"));
    }
  }

  @Test
  void requiredFailsWhenTheHandshakeFails() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS.withTls(TestTls.brokenServerContext()),
            c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.REQUIRED)))) {
      RecipientResult r = f.send("ok").recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(r.attempt().reply().enhanced()).hasToString("4.7.5");
      assertThat(r.attempt().phase()).isEqualTo(Phase.STARTTLS);
      assertThat(r.attempt().classification().reason()).isEqualTo(Reason.FAILEDSTARTTLS);
      assertThat(f.sim.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void noneNeverStartsTls() throws Exception {
    try (SimFixture f =
        SimFixture.start(withTls(), c -> c.withClient(c.client().withTlsPolicy(TlsPolicy.NONE)))) {
      assertThat(f.send("ok").recipients().getFirst().attempt().tls()).isNull();
      assertThat(f.sim.commands()).noneMatch(c -> c.contains("STARTTLS"));
    }
  }

  @Test
  void policyPerDestination() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c ->
                c.withClient(
                    c.client()
                        .withTlsPolicy(TlsPolicy.NONE)
                        .withTlsPolicies(Map.of("SIM.test", TlsPolicy.REQUIRED))))) {
      assertThat(f.deliverer.config().client().tlsPolicyFor("sim.test"))
          .isEqualTo(TlsPolicy.REQUIRED);
      assertThat(f.send("ok").recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
    }
  }

  @Test
  void pooledPlainConnectionIsNotReusedWhereTlsIsRequired() throws Exception {
    try (SimFixture f =
        SimFixture.start(
            SimulatorOptions.DEFAULTS,
            c ->
                c.withRouting(
                        c.routing()
                            .withRoute("strict.test", c.routing().routes().get(SimFixture.DOMAIN)))
                    .withClient(
                        c.client().withTlsPolicies(Map.of("strict.test", TlsPolicy.REQUIRED))))) {
      assertThat(f.send("ok").allDelivered()).isTrue();
      TransferResult strict =
          f.send(SimFixture.job("s@example.com", SimFixture.message("x"), "a@strict.test"));
      assertThat(strict.recipients().getFirst().attempt().reply().enhanced()).hasToString("4.7.4");
      assertThat(f.sim.connectionCount()).isEqualTo(2);
      // The plain connection is still there for the domain that allows it.
      assertThat(f.send("ok").allDelivered()).isTrue();
      assertThat(f.sim.connectionCount()).isEqualTo(2);
    }
  }
}
