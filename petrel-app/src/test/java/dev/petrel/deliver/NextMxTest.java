package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.status.Phase;
import dev.petrel.status.StatusEngine;
import java.net.InetAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 5321 §5.1: the next MX (or the next address) when a server cannot be connected to, or answers
 * the greeting or EHLO with an error; never after a transaction has started. Servers listen on
 * different loopback addresses with the same port, as MX hosts would on port 25.
 */
@Timeout(60)
class NextMxTest {

  final List<SimulatorServer> servers = new ArrayList<>();
  final InMemoryDns dns = new InMemoryDns();
  int port;

  /** A simulator on {@code ip} with the shared port (the first one picks it). */
  SimulatorServer server(String ip, SimulatorOptions options) throws Exception {
    SimulatorServer s = new SimulatorServer(options);
    port = s.start(InetAddress.ofLiteral(ip), port);
    servers.add(s);
    return s;
  }

  Deliverer deliverer(java.util.function.UnaryOperator<DeliveryConfig> tweak) {
    DeliveryConfig c =
        tweak.apply(
            SimFixture.config(port)
                .withRouting(
                    RoutingConfig.DEFAULTS
                        .withMxPort(port)
                        // the MX hosts of these tests are loopback addresses
                        .withOutbound(OutboundPolicy.parse("127.0.0.0/8"))));
    return new Deliverer(
        c,
        new Router(c.routing(), dns, RandomGenerator.getDefault()),
        StatusEngine.standard(),
        InstantSource.system(),
        DeliveryObserver.NONE);
  }

  static TransferResult send(Deliverer d) throws InterruptedException {
    return d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), "ok@mx.test"));
  }

  @AfterEach
  void stop() {
    servers.forEach(SimulatorServer::stop);
  }

  @Test
  void connectionRefusedMovesToTheNextMx() throws Exception {
    // A free port on 127.0.0.2 where nothing listens, and the live server on 127.0.0.1.
    SimulatorServer live = server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 10, "dead.mx.test").mx("mx.test", 20, "live.mx.test");
    dns.address("dead.mx.test", "127.0.0.2").address("live.mx.test", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t = send(d);
      assertThat(t.allDelivered()).isTrue();
      assertThat(t.recipients().getFirst().attempt().mxHost()).isEqualTo("live.mx.test");
      assertThat(t.failovers()).hasSize(1);
      Attempt failed = t.failovers().getFirst();
      assertThat(failed.mxHost()).isEqualTo("dead.mx.test");
      assertThat(failed.mxIp()).isEqualTo("127.0.0.2");
      assertThat(failed.phase()).isEqualTo(Phase.CONNECT);
      assertThat(failed.reply().enhanced()).hasToString("4.4.1");
      assertThat(failed.remote()).isFalse();
      assertThat(live.received()).hasSize(1);
    }
  }

  @Test
  void transientGreetingMovesToTheNextMx() throws Exception {
    SimulatorServer busy =
        server("127.0.0.3", SimulatorOptions.DEFAULTS.withConnectReply("421-4.3.2"));
    SimulatorServer live = server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 5, "busy.mx.test").mx("mx.test", 50, "live.mx.test");
    dns.address("busy.mx.test", "127.0.0.3").address("live.mx.test", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t = send(d);
      assertThat(t.allDelivered()).isTrue();
      assertThat(t.failovers().getFirst().reply().code()).isEqualTo(421);
      assertThat(t.failovers().getFirst().remote()).isTrue();
      assertThat(busy.received()).isEmpty();
      assertThat(live.received()).hasSize(1);
    }
  }

  @Test
  void transientEhloMovesToTheNextMx() throws Exception {
    server("127.0.0.4", SimulatorOptions.DEFAULTS.withEhloReply("451-4.3.0"));
    SimulatorServer live = server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 1, "a.mx.test").mx("mx.test", 2, "b.mx.test");
    dns.address("a.mx.test", "127.0.0.4").address("b.mx.test", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t = send(d);
      assertThat(t.allDelivered()).isTrue();
      assertThat(t.failovers().getFirst().phase()).isEqualTo(Phase.EHLO);
      assertThat(live.received()).hasSize(1);
    }
  }

  @Test
  void theNextAddressOfTheSameHostIsTried() throws Exception {
    SimulatorServer live = server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 10, "multi.mx.test").address("multi.mx.test", "127.0.0.5", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t = send(d);
      assertThat(t.allDelivered()).isTrue();
      assertThat(t.failovers()).extracting(Attempt::mxIp).containsExactly("127.0.0.5");
      assertThat(t.recipients().getFirst().attempt().mxIp()).isEqualTo("127.0.0.1");
      assertThat(live.received()).hasSize(1);
    }
  }

  @Test
  void whenEveryServerFailsTheLastFailureDecides() throws Exception {
    server("127.0.0.6", SimulatorOptions.DEFAULTS.withConnectReply("554-5.7.1"));
    dns.mx("mx.test", 10, "dead.mx.test").mx("mx.test", 20, "blocking.mx.test");
    dns.address("dead.mx.test", "127.0.0.2").address("blocking.mx.test", "127.0.0.6");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t = send(d);
      RecipientResult r = t.recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(r.attempt().reply().code()).isEqualTo(554);
      assertThat(r.attempt().mxHost()).isEqualTo("blocking.mx.test");
      assertThat(t.failovers()).extracting(Attempt::mxHost).containsExactly("dead.mx.test");
    }
  }

  @Test
  void aRefusalInsideTheTransactionDoesNotMoveOn() throws Exception {
    SimulatorServer first = server("127.0.0.7", SimulatorOptions.DEFAULTS);
    SimulatorServer second = server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 10, "first.mx.test").mx("mx.test", 20, "second.mx.test");
    dns.address("first.mx.test", "127.0.0.7").address("second.mx.test", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c)) {
      TransferResult t =
          d.deliver(
              SimFixture.job("s@example.com", SimFixture.message("x"), "rcpt-450-4.2.1@mx.test"));
      assertThat(t.recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(t.recipients().getFirst().attempt().mxHost()).isEqualTo("first.mx.test");
      assertThat(second.connectionCount()).isZero();
      assertThat(first.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void addressesTriedAreCapped() throws Exception {
    server("127.0.0.1", SimulatorOptions.DEFAULTS);
    dns.mx("mx.test", 10, "dead.mx.test").mx("mx.test", 20, "live.mx.test");
    dns.address("dead.mx.test", "127.0.0.2").address("live.mx.test", "127.0.0.1");
    try (Deliverer d = deliverer(c -> c.withClient(c.client().withMaxAddressesPerDelivery(1)))) {
      TransferResult t = send(d);
      assertThat(t.recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(t.recipients().getFirst().attempt().mxHost()).isEqualTo("dead.mx.test");
      assertThat(t.failovers()).isEmpty();
    }
  }
}
