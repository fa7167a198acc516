package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.time.InstantSource;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Domains that routing rules out get their result without any connection. */
class RoutingResultsTest {

  final InMemoryDns dns = new InMemoryDns();

  RecipientResult deliver(String address) throws InterruptedException {
    DeliveryConfig c = DeliveryConfig.defaults("client.petrel.test");
    try (Deliverer d =
        new Deliverer(
            c,
            new Router(c.routing(), dns, RandomGenerator.getDefault()),
            StatusEngine.standard(),
            InstantSource.system(),
            DeliveryObserver.NONE)) {
      TransferResult t =
          d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), address));
      assertThat(t.failovers()).isEmpty();
      RecipientResult r = t.recipients().getFirst();
      assertThat(r.attempt().mxHost()).isNull();
      assertThat(r.attempt().mxIp()).isNull();
      assertThat(r.attempt().remote()).isFalse();
      assertThat(r.attempt().phase()).isEqualTo(Phase.CONNECT);
      return r;
    }
  }

  @Test
  void nullMxIsNotAcceptWithoutConnecting() throws Exception {
    dns.nullMx("nomail.test");
    RecipientResult r = deliver("u@nomail.test");
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().code()).isEqualTo(556);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.1.10");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.NOTACCEPT);
    assertThat(r.attempt().classification().bounce()).isEqualTo(Bounce.HARD);
  }

  @Test
  void nxdomainIsHostUnknown() throws Exception {
    RecipientResult r = deliver("u@nowhere.test");
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.1.2");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.HOSTUNKNOWN);
    assertThat(r.attempt().reply().text()).contains("NXDOMAIN");
  }

  @Test
  void dnsFailureIsTransient() throws Exception {
    dns.fail("flaky.test");
    RecipientResult r = deliver("u@flaky.test");
    assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(r.attempt().reply().enhanced()).hasToString("4.4.3");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.NETWORKERROR);
    assertThat(r.attempt().classification().action()).isEqualTo(Action.RETRY);
  }

  @Test
  void mxHostsWithoutAddressesAreUnroutable() throws Exception {
    dns.mx("broken.test", 10, "gone.broken.test");
    RecipientResult r = deliver("u@broken.test");
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.4.4");
    assertThat(r.attempt().reply().text()).contains("gone.broken.test");
  }
}
