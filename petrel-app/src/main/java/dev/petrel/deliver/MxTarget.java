package dev.petrel.deliver;

import java.net.InetAddress;
import java.util.List;

/**
 * One server to try for a destination: an MX host (or a static route or relay host) with its
 * preference, the port to connect to, and its addresses in the order to try them.
 */
public record MxTarget(String host, int preference, int port, List<InetAddress> addresses) {

  public MxTarget {
    if (host == null || host.isEmpty()) throw new IllegalArgumentException("host is required");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port " + port);
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) throw new IllegalArgumentException("a target needs an address");
  }
}
