package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.petrel.model.OutboundPolicy;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Static routes and the relay host override DNS; routing options parse strictly. */
class RouterTest {

  final InMemoryDns dns = new InMemoryDns();

  Router router(RoutingConfig c) {
    return new Router(c, dns, new SplittableRandom(1));
  }

  static Route route(Resolution r) {
    assertThat(r).isInstanceOf(Resolution.Routed.class);
    return ((Resolution.Routed) r).route();
  }

  @Test
  void staticRouteWinsOverDnsAndRelay() {
    dns.mx("example.test", 10, "mx.example.test").address("mx.example.test", "192.0.2.1");
    Router r =
        router(
            RoutingConfig.DEFAULTS
                .withRoute("Example.test", HostPort.parse("127.0.0.1:2525"))
                .withRelayHost(HostPort.parse("192.0.2.99:587")));
    Route route = route(r.resolve("example.test"));
    assertThat(route.kind()).isEqualTo(Route.Kind.STATIC);
    assertThat(route.targets().getFirst().port()).isEqualTo(2525);
    assertThat(route.targets().getFirst().addresses().getFirst().getHostAddress())
        .isEqualTo("127.0.0.1");
    assertThat(r.destinationOf("example.test")).isEqualTo("example.test");
    assertThat(dns.queries()).isZero();
  }

  @Test
  void dottedRouteCoversSubdomains() {
    Router r =
        router(RoutingConfig.DEFAULTS.withRoute(".corp.test", HostPort.parse("127.0.0.1:26")));
    assertThat(route(r.resolve("mail.eu.corp.test")).kind()).isEqualTo(Route.Kind.STATIC);
    assertThat(r.resolve("corp.test")).isInstanceOf(Resolution.NoSuchDomain.class);
  }

  @Test
  void relayHostTakesEverythingElse() {
    Router r = router(RoutingConfig.DEFAULTS.withRelayHost(HostPort.parse("127.0.0.1:2526")));
    Route route = route(r.resolve("anything.test"));
    assertThat(route.kind()).isEqualTo(Route.Kind.RELAY);
    assertThat(route.destination()).isEqualTo("relay:127.0.0.1:2526");
    assertThat(r.destinationOf("other.test")).isEqualTo("relay:127.0.0.1:2526");
  }

  @Test
  void routeHostNamesResolveThroughDnsThenTheSystem() {
    dns.address("smarthost.test", "192.0.2.44");
    Router r =
        router(
            RoutingConfig.DEFAULTS
                .withRoute("a.test", HostPort.parse("smarthost.test:25"))
                .withRoute("b.test", HostPort.parse("localhost:25")));
    assertThat(
            route(r.resolve("a.test")).targets().getFirst().addresses().getFirst().getHostAddress())
        .isEqualTo("192.0.2.44");
    assertThat(
            route(r.resolve("b.test"))
                .targets()
                .getFirst()
                .addresses()
                .getFirst()
                .isLoopbackAddress())
        .isTrue();
  }

  @Test
  void unresolvableRouteHostIsTransient() {
    Router r =
        router(
            RoutingConfig.DEFAULTS.withRoute("a.test", HostPort.parse("no-such-host.invalid:25")));
    assertThat(r.resolve("a.test")).isInstanceOf(Resolution.LookupFailed.class);
  }

  @Test
  void addressLiteralDomains() {
    // documentation addresses, which the operator has to allow
    Router r =
        router(
            RoutingConfig.DEFAULTS
                .withMxPort(2525)
                .withOutbound(OutboundPolicy.parse("192.0.2.0/24, 2001:db8::/32")));
    Route route = route(r.resolve("[192.0.2.7]"));
    assertThat(route.targets().getFirst().addresses().getFirst().getHostAddress())
        .isEqualTo("192.0.2.7");
    assertThat(route.targets().getFirst().port()).isEqualTo(2525);
    assertThat(route(r.resolve("[IPv6:2001:db8::1]")).targets().getFirst().host())
        .isEqualTo("2001:db8::1");
    assertThat(r.resolve("[not-an-ip]")).isInstanceOf(Resolution.NoSuchDomain.class);
  }

  @Test
  void routeOptionsParse() {
    Map<String, HostPort> routes =
        RoutingConfig.parseRoutes(List.of("Example.com=mx.example.net:2525", "v6.test=[::1]:25"));
    assertThat(routes)
        .containsEntry("example.com", new HostPort("mx.example.net", 2525))
        .containsEntry("v6.test", new HostPort("::1", 25));
    assertThatThrownBy(() -> RoutingConfig.parseRoutes(List.of("example.com")))
        .hasMessageContaining("DOMAIN=HOST:PORT");
    assertThatThrownBy(() -> RoutingConfig.parseRoutes(List.of("a.test=host")))
        .hasMessageContaining("missing :PORT");
    assertThatThrownBy(() -> RoutingConfig.parseRoutes(List.of("a.test=h:1", "A.test=h:2")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> RoutingConfig.parseRoutes(List.of("a.test=h:99999")))
        .hasMessageContaining("port");
  }

  @Test
  void hostPortForms() {
    assertThat(HostPort.parse("127.0.0.1:53")).isEqualTo(new HostPort("127.0.0.1", 53));
    assertThat(HostPort.parse("[2001:db8::1]:53").host()).isEqualTo("2001:db8::1");
    assertThat(HostPort.parse("[2001:db8::1]:53")).hasToString("[2001:db8::1]:53");
    assertThat(HostPort.parse("MX.Example.net", 25)).isEqualTo(new HostPort("mx.example.net", 25));
    assertThatThrownBy(() -> HostPort.parse("2001:db8::1:25")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("host:x")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> HostPort.parse(":25")).hasMessageContaining("empty host");
    assertThatThrownBy(() -> HostPort.parse("[::1")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> HostPort.parse("[::1]")).hasMessageContaining("missing :PORT");
    assertThatThrownBy(() -> HostPort.parse("")).hasMessageContaining("empty");
  }
}
