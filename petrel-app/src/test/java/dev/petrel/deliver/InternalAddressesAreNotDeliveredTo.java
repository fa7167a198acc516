package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.OutboundPolicy;
import dev.petrel.report.Suppressions;
import dev.petrel.status.Action;
import dev.petrel.status.Bounce;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipient address chooses where mail goes (its domain's MX records, or an address literal such
 * as {@code user@[127.0.0.1]}), so by default Petrel does not deliver to internal addresses found
 * that way: no connection, a permanent but soft 550 5.7.1 that never suppresses the address. The
 * operator's routes, relay host and {@code deliver-allow-networks} say otherwise.
 */
@Timeout(120)
class InternalAddressesAreNotDeliveredTo {

  @TempDir Path dir;
  final InMemoryDns dns = new InMemoryDns();

  Router router(RoutingConfig c) {
    return new Router(c, dns, new SplittableRandom(1));
  }

  static Resolution.Refused refused(Resolution r) {
    assertThat(r).isInstanceOf(Resolution.Refused.class);
    return (Resolution.Refused) r;
  }

  @Test
  void addressLiteralsOfInternalAddressesAreRefused() {
    Router r = router(RoutingConfig.DEFAULTS);
    assertThat(refused(r.resolve("[127.0.0.1]")).detail())
        .startsWith("internal address: 127.0.0.1 is loopback;")
        .contains("deliver-allow-networks");
    assertThat(refused(r.resolve("[IPv6:::1]")).detail()).contains("is loopback");
    assertThat(refused(r.resolve("[169.254.169.254]")).detail()).contains("is link-local");
    assertThat(refused(r.resolve("[IPv6:::ffff:10.0.0.1]")).detail()).contains("is private");
    assertThat(refused(r.resolve("[100.64.1.1]")).detail()).contains("is shared (CGNAT)");
    assertThat(refused(r.resolve("[0.0.0.0]")).detail()).contains("is unspecified");
    assertThat(r.resolve("[8.8.8.8]")).isInstanceOf(Resolution.Routed.class);
  }

  @Test
  void mxHostsAtInternalAddressesAreDroppedAndTheRestUsed() {
    dns.mx("evil.test", 10, "mx.evil.test").address("mx.evil.test", "10.0.0.5");
    dns.mx("mixed.test", 10, "inside.mixed.test")
        .mx("mixed.test", 20, "outside.mixed.test")
        .address("inside.mixed.test", "169.254.169.254")
        .address("outside.mixed.test", "8.8.4.4");
    dns.address("implicit.test", "127.0.0.1");
    Router r = router(RoutingConfig.DEFAULTS);
    assertThat(refused(r.resolve("evil.test")).detail())
        .startsWith("internal address: mx.evil.test [10.0.0.5] is private;");
    assertThat(refused(r.resolve("implicit.test")).detail())
        .contains("implicit.test [127.0.0.1] is loopback");
    Route mixed = RouterTest.route(r.resolve("mixed.test"));
    assertThat(mixed.targets()).hasSize(1);
    assertThat(mixed.targets().getFirst().host()).isEqualTo("outside.mixed.test");
  }

  @Test
  void theOperatorsRoutesRelayAndAllowedNetworksAreTrusted() {
    dns.mx("lan.test", 10, "mx.lan.test").address("mx.lan.test", "192.168.1.20");
    Router routes =
        router(
            RoutingConfig.DEFAULTS
                .withRoute("[127.0.0.1]", HostPort.parse("127.0.0.1:2525"))
                .withRoute("lan.test", HostPort.parse("10.1.1.1:25")));
    assertThat(RouterTest.route(routes.resolve("[127.0.0.1]")).kind()).isEqualTo(Route.Kind.STATIC);
    assertThat(RouterTest.route(routes.resolve("lan.test")).kind()).isEqualTo(Route.Kind.STATIC);
    Router relay = router(RoutingConfig.DEFAULTS.withRelayHost(HostPort.parse("10.0.0.25:25")));
    assertThat(RouterTest.route(relay.resolve("[127.0.0.1]")).kind()).isEqualTo(Route.Kind.RELAY);
    Router allowed =
        router(RoutingConfig.DEFAULTS.withOutbound(OutboundPolicy.parse("192.168.0.0/16")));
    assertThat(RouterTest.route(allowed.resolve("lan.test")).targets().getFirst().addresses())
        .containsExactly(InetAddress.ofLiteral("192.168.1.20"));
    assertThat(allowed.resolve("[127.0.0.1]")).isInstanceOf(Resolution.Refused.class);
  }

  Deliverer deliverer(RoutingConfig routing, int port) {
    DeliveryConfig c = SimFixture.config(port).withRouting(routing);
    return new Deliverer(
        c,
        new Router(c.routing(), dns, RandomGenerator.getDefault()),
        StatusEngine.standard(),
        InstantSource.system(),
        DeliveryObserver.NONE);
  }

  @Test
  void aLoopbackLiteralMakesNoConnectionAndBouncesSoftlyUnlessAllowed() throws Exception {
    try (SmtpSink sink = SmtpSink.start(dir)) {
      // the literal's port is the MX port; here the sink's, so a connection would reach it
      RoutingConfig routing = RoutingConfig.DEFAULTS.withMxPort(sink.port);
      TransferResult t;
      try (Deliverer d = deliverer(routing, sink.port)) {
        t = d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), "user@[127.0.0.1]"));
      }
      RecipientResult r = t.recipients().getFirst();
      assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
      var a = r.attempt();
      assertThat(a.remote()).isFalse();
      assertThat(a.mxIp()).isNull();
      assertThat(a.phase()).isEqualTo(Phase.CONNECT);
      assertThat(a.reply().code()).isEqualTo(550);
      assertThat(a.reply().enhanced()).hasToString("5.7.1");
      assertThat(a.reply().text())
          .contains("not delivered to [127.0.0.1]: internal address: 127.0.0.1 is loopback");
      var s = a.classification();
      assertThat(s.reason()).isEqualTo(Reason.NORELAYING);
      assertThat(s.bounce()).isEqualTo(Bounce.SOFT);
      assertThat(s.action()).isNotEqualTo(Action.SUPPRESS);
      assertThat(Suppressions.suppresses(s)).isFalse();
      assertThat(sink.connections()).isZero();

      // the operator allows loopback: the same literal is delivered to the sink
      try (Deliverer d =
          deliverer(routing.withOutbound(OutboundPolicy.parse("127.0.0.0/8")), sink.port)) {
        t = d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), "user@[127.0.0.1]"));
      }
      assertThat(t.recipients().getFirst().outcome()).isEqualTo(Outcome.DELIVERED);
      assertThat(sink.connections()).isEqualTo(1);
    }
  }
}
