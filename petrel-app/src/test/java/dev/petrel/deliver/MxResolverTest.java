package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RFC 5321 §5.1 and RFC 7505 over an in-memory DNS table. */
class MxResolverTest {

  final InMemoryDns dns = new InMemoryDns();

  MxResolver resolver(long seed) {
    return new MxResolver(dns, 25, 5, new SplittableRandom(seed));
  }

  static List<String> hosts(Resolution r) {
    assertThat(r).isInstanceOf(Resolution.Routed.class);
    return ((Resolution.Routed) r).route().targets().stream().map(MxTarget::host).toList();
  }

  @Test
  void mxHostsInPreferenceOrder() {
    dns.mx("example.test", 30, "c.example.test")
        .mx("example.test", 10, "a.example.test")
        .mx("example.test", 20, "b.example.test");
    dns.address("a.example.test", "192.0.2.1")
        .address("b.example.test", "192.0.2.2", "2001:db8::2")
        .address("c.example.test", "192.0.2.3");
    Resolution r = resolver(1).resolve("Example.TEST");
    assertThat(hosts(r)).containsExactly("a.example.test", "b.example.test", "c.example.test");
    Route route = ((Resolution.Routed) r).route();
    assertThat(route.kind()).isEqualTo(Route.Kind.MX);
    assertThat(route.domain()).isEqualTo("example.test");
    assertThat(route.targets().get(1).addresses())
        .extracting(a -> a.getHostAddress())
        .containsExactly("192.0.2.2", "2001:db8:0:0:0:0:0:2");
    assertThat(route.targets()).extracting(MxTarget::port).containsOnly(25);
    assertThat(route.targets()).extracting(MxTarget::preference).containsExactly(10, 20, 30);
  }

  @Test
  void equalPreferencesAreShuffledLowerOnesStayFirst() {
    dns.mx("example.test", 10, "a.example.test")
        .mx("example.test", 10, "b.example.test")
        .mx("example.test", 10, "c.example.test")
        .mx("example.test", 99, "backup.example.test");
    for (String h : List.of("a", "b", "c", "backup")) dns.address(h + ".example.test", "192.0.2.9");
    Set<String> firsts = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      List<String> order = hosts(resolver(seed).resolve("example.test"));
      assertThat(order.getLast()).isEqualTo("backup.example.test");
      assertThat(order.subList(0, 3))
          .containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
      firsts.add(order.getFirst());
    }
    assertThat(firsts).hasSize(3);
  }

  @Test
  void noMxMeansTheDomainItself() {
    dns.address("plain.test", "192.0.2.5");
    Resolution r = resolver(1).resolve("plain.test");
    assertThat(hosts(r)).containsExactly("plain.test");
    assertThat(((Resolution.Routed) r).route().kind()).isEqualTo(Route.Kind.IMPLICIT_MX);
  }

  @Test
  void nullMx() {
    dns.nullMx("nomail.test");
    assertThat(resolver(1).resolve("nomail.test")).isEqualTo(new Resolution.NullMx("nomail.test"));
  }

  @Test
  void nullMxBesideRealMxIsIgnored() {
    dns.nullMx("mixed.test")
        .mx("mixed.test", 10, "mx.mixed.test")
        .address("mx.mixed.test", "192.0.2.1");
    assertThat(hosts(resolver(1).resolve("mixed.test"))).containsExactly("mx.mixed.test");
  }

  @Test
  void nxdomain() {
    assertThat(resolver(1).resolve("nowhere.test")).isInstanceOf(Resolution.NoSuchDomain.class);
  }

  @Test
  void domainWithoutMxOrAddress() {
    dns.exists("empty.test");
    Resolution r = resolver(1).resolve("empty.test");
    assertThat(r).isInstanceOf(Resolution.NoSuchDomain.class);
    assertThat(((Resolution.NoSuchDomain) r).detail()).contains("neither MX nor address");
  }

  @Test
  void servfailIsTransient() {
    dns.fail("flaky.test");
    assertThat(resolver(1).resolve("flaky.test")).isInstanceOf(Resolution.LookupFailed.class);
    dns.remove("flaky.test").exists("flaky2.test").fail("flaky2.test");
    assertThat(resolver(1).resolve("flaky2.test")).isInstanceOf(Resolution.LookupFailed.class);
  }

  @Test
  void implicitMxLookupFailureIsTransient() {
    dns.exists("half.test");
    dns.fail("half.test");
    assertThat(resolver(1).resolve("half.test")).isInstanceOf(Resolution.LookupFailed.class);
  }

  @Test
  void mxHostsThatDoNotResolveAreSkipped() {
    dns.mx("d.test", 10, "gone.d.test")
        .mx("d.test", 20, "ok.d.test")
        .address("ok.d.test", "192.0.2.1");
    assertThat(hosts(resolver(1).resolve("d.test"))).containsExactly("ok.d.test");
  }

  @Test
  void noMxHostResolving() {
    dns.mx("d.test", 10, "gone.d.test").mx("d.test", 20, "empty.d.test").exists("empty.d.test");
    Resolution r = resolver(1).resolve("d.test");
    assertThat(r).isInstanceOf(Resolution.Unroutable.class);
    assertThat(((Resolution.Unroutable) r).detail())
        .contains("gone.d.test")
        .contains("empty.d.test");
  }

  @Test
  void anMxHostLookupFailureMakesTheWholeTransient() {
    dns.mx("d.test", 10, "gone.d.test").mx("d.test", 20, "flaky.d.test").fail("flaky.d.test");
    assertThat(resolver(1).resolve("d.test")).isInstanceOf(Resolution.LookupFailed.class);
  }

  @Test
  void atMostSoManyMxHosts() {
    for (int i = 0; i < 8; i++) {
      dns.mx("many.test", i, "mx" + i + ".many.test")
          .address("mx" + i + ".many.test", "192.0.2." + (i + 1));
    }
    assertThat(hosts(new MxResolver(dns, 25, 3, new SplittableRandom(1)).resolve("many.test")))
        .containsExactly("mx0.many.test", "mx1.many.test", "mx2.many.test");
  }
}
