package dev.petrel.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses Petrel may connect to on a tenant's behalf: any public address, and the internal
 * ones ({@link InternalAddresses}) only inside the networks the operator allowed. One policy serves
 * webhooks ({@code --webhook-allow-networks}) and one mail delivery ({@code
 * --deliver-allow-networks}); routes and the relay host the operator names are not subject to it.
 *
 * @param allowed the networks whose internal addresses may be reached anyway; empty by default
 */
public record OutboundPolicy(List<IpNetwork> allowed) {

  /** Nothing internal may be reached. */
  public static final OutboundPolicy STRICT = new OutboundPolicy(List.of());

  public OutboundPolicy {
    allowed = List.copyOf(allowed);
  }

  /**
   * Parses a list of CIDR networks separated by commas or white space; empty means none.
   *
   * @throws IllegalArgumentException naming the bad network
   */
  public static OutboundPolicy parse(String text) {
    List<IpNetwork> out = new ArrayList<>();
    for (String part : text.split("[,\\s]+")) if (!part.isEmpty()) out.add(IpNetwork.parse(part));
    return new OutboundPolicy(out);
  }

  /**
   * Why the address may not be reached ({@code "loopback"}, {@code "private"}...: the kind of
   * internal address), or null when it may.
   */
  public String refusal(InetAddress address) {
    String kind = InternalAddresses.kindOf(address);
    if (kind == null) return null;
    for (IpNetwork n : allowed) if (n.contains(address)) return null;
    return kind;
  }
}
