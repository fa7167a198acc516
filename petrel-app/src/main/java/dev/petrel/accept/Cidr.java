package dev.petrel.accept;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A network in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}), for trusted-network lists. */
public record Cidr(byte[] network, int prefix) {

  /**
   * Parses CIDR notation; a bare address means a single host.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Cidr parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (addr.isEmpty() || !addr.matches("[0-9a-fA-F:.]+"))
      throw new IllegalArgumentException("not an IP network: '" + text + "'");
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress(); // literal only: no DNS for these characters
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP network: '" + text + "'");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
      if (prefix < 0 || prefix > max)
        throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
    }
    return new Cidr(bytes, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) return false;
    int full = prefix / 8;
    for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
    int rest = prefix % 8;
    if (rest == 0) return true;
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefix;
  }
}
