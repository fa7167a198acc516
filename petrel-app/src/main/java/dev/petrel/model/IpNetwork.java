package dev.petrel.model;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address is a single
 * host. Used for the operator's lists of networks Petrel may connect to, and for the table of
 * internal address ranges.
 */
public record IpNetwork(byte[] network, int prefix) {

  public IpNetwork {
    network = network.clone();
    if (network.length != 4 && network.length != 16)
      throw new IllegalArgumentException("an address has 4 or 16 bytes");
    if (prefix < 0 || prefix > network.length * 8)
      throw new IllegalArgumentException("prefix length out of range: " + prefix);
  }

  /**
   * Parses CIDR notation; a bare address means a single host. Names are never looked up.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static IpNetwork parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes;
    try {
      bytes = InetAddress.ofLiteral(addr).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP network: '" + text + "'");
    }
    // ofLiteral turns ::ffff:a.b.c.d into an IPv4 address; keep the prefix meaning the same
    if (addr.indexOf(':') >= 0 && bytes.length == 4) bytes = mapped(bytes);
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
      if (prefix < 0 || prefix > bytes.length * 8)
        throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
    }
    return new IpNetwork(bytes, prefix);
  }

  private static byte[] mapped(byte[] v4) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(v4, 0, b, 12, 4);
    return b;
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** Whether the address given as 4 or 16 bytes lies in this network. */
  public boolean contains(byte[] a) {
    if (a.length != network.length) return false;
    int full = prefix / 8;
    for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
    int rest = prefix % 8;
    if (rest == 0) return true;
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public String toString() {
    if (network.length == 4)
      return (network[0] & 0xff)
          + "."
          + (network[1] & 0xff)
          + "."
          + (network[2] & 0xff)
          + "."
          + (network[3] & 0xff)
          + "/"
          + prefix;
    StringBuilder b = new StringBuilder();
    String hex = HexFormat.of().formatHex(network);
    for (int i = 0; i < 32; i += 4) {
      if (i > 0) b.append(':');
      b.append(Integer.toHexString(Integer.parseInt(hex.substring(i, i + 4), 16)));
    }
    return b + "/" + prefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpNetwork n && n.prefix == prefix && Arrays.equals(n.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }
}
