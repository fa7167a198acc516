package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.deliver.sim.SimulatorOptions;
import dev.petrel.deliver.sim.SimulatorServer;
import dev.petrel.model.OutboundPolicy;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing against a real DNS server: dnsmasq with MX records (preference order, failover to the
 * second MX, equal preferences), an implicit MX, a null MX, a domain that does not exist, a
 * refusing and a silent upstream. Mail goes to the simulator on 127.0.0.1; 127.0.0.2 has nothing
 * listening.
 */
@Timeout(120)
class DnsmasqRoutingTest {

  @TempDir static Path dir;
  static Dnsmasq dns;
  static SimulatorServer sim;
  static int smtpPort;
  static DatagramSocket silent;

  @BeforeAll
  static void start() throws Exception {
    sim = new SimulatorServer(SimulatorOptions.DEFAULTS);
    smtpPort = sim.start(0);
    // An upstream that never answers, for the timeout case.
    silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    dns =
        Dnsmasq.start(
            dir,
            List.of(
                "--mx-host=pref.test,mx1.pref.test,10",
                "--mx-host=pref.test,mx2.pref.test,20",
                "--host-record=mx1.pref.test,127.0.0.2",
                "--host-record=mx2.pref.test,127.0.0.1",
                "--mx-host=equal.test,a.equal.test,5",
                "--mx-host=equal.test,b.equal.test,5",
                "--host-record=a.equal.test,127.0.0.1",
                "--host-record=b.equal.test,127.0.0.1",
                "--host-record=implicit.test,127.0.0.1",
                "--mx-host=nullmx.test,.,0",
                "--mx-host=dangling.test,nothing.dangling.test,10",
                "--server=/refused.test/#",
                "--server=/silent.test/127.0.0.1#" + silent.getLocalPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (dns != null) dns.close();
    if (sim != null) sim.stop();
    if (silent != null) silent.close();
  }

  static Deliverer deliverer() {
    DeliveryConfig c =
        SimFixture.config(smtpPort)
            .withRouting(
                RoutingConfig.DEFAULTS
                    .withDnsServer(dns.server())
                    .withDnsTimeout(Duration.ofSeconds(1))
                    .withIpv6(false)
                    .withMxPort(smtpPort)
                    // dnsmasq's MX hosts point at loopback, where the test's servers listen
                    .withOutbound(OutboundPolicy.parse("127.0.0.0/8")));
    return Deliverer.create(c, StatusEngine.standard(), InstantSource.system(), null);
  }

  static TransferResult send(String address) throws Exception {
    try (Deliverer d = deliverer()) {
      return d.deliver(SimFixture.job("s@example.com", SimFixture.message("x"), address));
    }
  }

  @Test
  void mxRecordsComeInPreferenceOrder() {
    MxResolver r =
        new MxResolver(
            new DnsJavaLookup(dns.server(), Duration.ofSeconds(2), false),
            25,
            5,
            new SplittableRandom(1));
    Resolution res = r.resolve("pref.test");
    assertThat(res).isInstanceOf(Resolution.Routed.class);
    assertThat(((Resolution.Routed) res).route().targets())
        .extracting(MxTarget::host, MxTarget::preference)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mx1.pref.test", 10),
            org.assertj.core.groups.Tuple.tuple("mx2.pref.test", 20));
  }

  @Test
  void failsOverToTheSecondMx() throws Exception {
    int before = sim.received().size();
    TransferResult t = send("ok@pref.test");
    assertThat(t.allDelivered()).isTrue();
    assertThat(t.recipients().getFirst().attempt().mxHost()).isEqualTo("mx2.pref.test");
    assertThat(t.failovers()).hasSize(1);
    assertThat(t.failovers().getFirst().mxHost()).isEqualTo("mx1.pref.test");
    assertThat(t.failovers().getFirst().mxIp()).isEqualTo("127.0.0.2");
    assertThat(t.failovers().getFirst().phase()).isEqualTo(Phase.CONNECT);
    assertThat(sim.received()).hasSize(before + 1);
  }

  @Test
  void equalPreferencesShareTheLoad() {
    Set<String> firsts = new HashSet<>();
    DnsJavaLookup lookup = new DnsJavaLookup(dns.server(), Duration.ofSeconds(2), false);
    for (long seed = 0; seed < 20; seed++) {
      Resolution res =
          new MxResolver(lookup, 25, 5, new SplittableRandom(seed)).resolve("equal.test");
      firsts.add(((Resolution.Routed) res).route().targets().getFirst().host());
    }
    assertThat(firsts).containsExactlyInAnyOrder("a.equal.test", "b.equal.test");
  }

  @Test
  void implicitMx() throws Exception {
    TransferResult t = send("ok@implicit.test");
    assertThat(t.allDelivered()).isTrue();
    assertThat(t.recipients().getFirst().attempt().mxHost()).isEqualTo("implicit.test");
  }

  @Test
  void nullMxFailsWithoutAConnection() throws Exception {
    int connections = sim.connectionCount();
    RecipientResult r = send("u@nullmx.test").recipients().getFirst();
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().code()).isEqualTo(556);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.1.10");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.NOTACCEPT);
    assertThat(sim.connectionCount()).isEqualTo(connections);
  }

  @Test
  void domainThatDoesNotExist() throws Exception {
    RecipientResult r = send("u@nowhere.test").recipients().getFirst();
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.1.2");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.HOSTUNKNOWN);
  }

  @Test
  void mxHostThatDoesNotExist() throws Exception {
    RecipientResult r = send("u@dangling.test").recipients().getFirst();
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.attempt().reply().enhanced()).hasToString("5.4.4");
  }

  @Test
  void refusingServerIsTransient() throws Exception {
    RecipientResult r = send("u@refused.test").recipients().getFirst();
    assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(r.attempt().reply().enhanced()).hasToString("4.4.3");
    assertThat(r.attempt().reply().text()).contains("REFUSED");
    assertThat(r.attempt().classification().reason()).isEqualTo(Reason.NETWORKERROR);
  }

  @Test
  void silentServerTimesOut() throws Exception {
    RecipientResult r = send("u@silent.test").recipients().getFirst();
    assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(r.attempt().reply().enhanced()).hasToString("4.4.3");
    assertThat(r.attempt().reply().text()).containsIgnoringCase("timed out");
  }
}
