package dev.petrel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The table of internal address ranges, and the operator's networks that open some of them. */
class OutboundPolicyTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.1.2, loopback",
    "::1, loopback",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "febf:ffff::1, link-local",
    "10.1.2.3, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "fc00::1, private",
    "fd12:3456::1, private",
    "fec0::1, private",
    "64:ff9b:1::1, private",
    "100.64.0.1, shared (CGNAT)",
    "100.127.255.254, shared (CGNAT)",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "::, unspecified",
    "224.0.0.1, multicast",
    "239.255.255.250, multicast",
    "ff02::1, multicast",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "192.0.0.8, reserved",
    "198.18.0.1, reserved",
    "100::1, reserved",
    "2001::1, reserved",
    "::7f00:1, reserved",
    "5f00::1, reserved",
    "4000::1, reserved",
    "192.0.2.1, documentation",
    "198.51.100.7, documentation",
    "203.0.113.9, documentation",
    "2001:db8::1, documentation",
    "3fff::1, documentation",
    // IPv6 forms that carry an IPv4 address are judged by it
    "::ffff:127.0.0.1, loopback",
    "::ffff:10.0.0.1, private",
    "::ffff:169.254.169.254, link-local",
    "64:ff9b::7f00:1, loopback",
    "64:ff9b::a9fe:a9fe, link-local",
    "2002:7f00:1::1, loopback",
    "2002:c0a8:101::1, private",
  })
  void internal(String address, String kind) {
    InetAddress a = InetAddress.ofLiteral(address);
    assertThat(InternalAddresses.kindOf(a)).isEqualTo(kind);
    assertThat(OutboundPolicy.STRICT.refusal(a)).isEqualTo(kind);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "169.253.255.255",
        "126.255.255.255",
        "128.0.0.0",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::1",
        "64:ff9b::808:808",
        "2002:808:808::1"
      })
  void publicAddresses(String address) {
    InetAddress a = InetAddress.ofLiteral(address);
    assertThat(InternalAddresses.kindOf(a)).isNull();
    assertThat(OutboundPolicy.STRICT.refusal(a)).isNull();
  }

  @Test
  void anIpv4MappedAddressKeptAsIpv6IsStillJudgedByItsIpv4() throws Exception {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    b[12] = 127;
    b[15] = 1;
    // Inet6Address.getByAddress keeps the IPv6 form that InetAddress.getByAddress would convert
    InetAddress mapped = Inet6Address.getByAddress(null, b, -1);
    assertThat(mapped).isInstanceOf(Inet6Address.class);
    assertThat(InternalAddresses.kindOf(mapped)).isEqualTo("loopback");
  }

  @Test
  void theOperatorsNetworksAreAllowedAndNothingElse() {
    OutboundPolicy p = OutboundPolicy.parse("127.0.0.1/32, 10.0.0.0/8 fd00::/8");
    assertThat(p.allowed()).hasSize(3);
    assertThat(p.refusal(InetAddress.ofLiteral("127.0.0.1"))).isNull();
    assertThat(p.refusal(InetAddress.ofLiteral("127.0.0.2"))).isEqualTo("loopback");
    assertThat(p.refusal(InetAddress.ofLiteral("10.200.0.1"))).isNull();
    assertThat(p.refusal(InetAddress.ofLiteral("fd00::5"))).isNull();
    assertThat(p.refusal(InetAddress.ofLiteral("::1"))).isEqualTo("loopback");
    assertThat(p.refusal(InetAddress.ofLiteral("169.254.169.254"))).isEqualTo("link-local");
    assertThat(OutboundPolicy.parse("").allowed()).isEmpty();
    assertThat(OutboundPolicy.parse("  ")).isEqualTo(OutboundPolicy.STRICT);
  }

  @Test
  void badNetworksAreRefusedWithTheirText() {
    assertThatThrownBy(() -> OutboundPolicy.parse("localhost"))
        .hasMessageContaining("not an IP network: 'localhost'");
    assertThatThrownBy(() -> OutboundPolicy.parse("10.0.0.0/33"))
        .hasMessageContaining("prefix length out of range");
    assertThatThrownBy(() -> OutboundPolicy.parse("10.0.0.0/x"))
        .hasMessageContaining("bad prefix length");
    assertThat(IpNetwork.parse("fd00::/8").toString()).isEqualTo("fd00:0:0:0:0:0:0:0/8");
    assertThat(IpNetwork.parse("10.1.0.0/16").toString()).isEqualTo("10.1.0.0/16");
  }
}
