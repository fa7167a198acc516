package dev.petrel.report;

import dev.petrel.model.OutboundPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where a webhook may be sent: resolves its host and applies the operator's {@link OutboundPolicy}
 * to every address. A tenant's URL could otherwise point Petrel at services only this machine can
 * reach (a local admin port, the cloud metadata service at 169.254.169.254), a request forgery
 * known as SSRF. The check runs at registration (an early, precise refusal) and again before every
 * try on the addresses the try then connects to, so a name that changes its answer between the two
 * (DNS rebinding) gains nothing. A name with any refused address is refused as a whole: a public
 * receiver has no reason to publish an internal address, and an attacker's name that answers both
 * would otherwise win whenever the internal one is tried.
 */
public final class WebhookTargets {

  /** Looks up a host's addresses (the system resolver; tests give their own answers). */
  @FunctionalInterface
  public interface Resolver {
    /**
     * @throws UnknownHostException when the name has no address
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** The JVM's resolver: DNS, {@code /etc/hosts}; an IP literal is returned without a lookup. */
  public static final Resolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));

  /** A host that resolves (in whole or in part) to an address the policy refuses. */
  public static final class RefusedException extends Exception {
    private final String kind;

    RefusedException(String host, InetAddress address, String kind) {
      super(
          (isLiteralOf(host, address)
                  ? host + " is "
                  : host + " resolves to " + address.getHostAddress() + ", ")
              + article(kind)
              + " "
              + kind
              + " address, which webhooks may not reach");
      this.kind = kind;
    }

    /** The kind of internal address ({@code loopback}, {@code private}...). */
    public String kind() {
      return kind;
    }
  }

  private final OutboundPolicy policy;
  private final Resolver resolver;

  public WebhookTargets(OutboundPolicy policy, Resolver resolver) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** Public addresses only, looked up by the system resolver. */
  public static WebhookTargets strict() {
    return new WebhookTargets(OutboundPolicy.STRICT, SYSTEM);
  }

  /**
   * The addresses of the URL's host to connect to, in order, each allowed by the policy.
   *
   * @throws UnknownHostException when the host has no address
   * @throws RefusedException when one of its addresses is internal and not allowed
   */
  public List<InetAddress> addresses(URI url) throws UnknownHostException, RefusedException {
    String host = host(url);
    List<InetAddress> all = resolver.resolve(host);
    if (all.isEmpty()) throw new UnknownHostException(host + " has no address");
    for (InetAddress a : all) {
      String kind = policy.refusal(a);
      if (kind != null) throw new RefusedException(host, a, kind);
    }
    return List.copyOf(all);
  }

  /**
   * The check at registration: why the URL may not be used, or null. A name that does not resolve
   * (yet) passes; every try checks again.
   */
  public String refusal(String url) {
    try {
      addresses(new URI(url));
      return null;
    } catch (RefusedException e) {
      return e.getMessage() + " (the operator can allow networks with --webhook-allow-networks)";
    } catch (UnknownHostException | URISyntaxException | IllegalArgumentException e) {
      return null; // not resolvable now, or not a usable URL: Webhook.checkUrl says what is wrong
    }
  }

  /** The URL's host without the brackets of an IPv6 literal. */
  static String host(URI url) {
    String h = url.getHost();
    if (h == null) throw new IllegalArgumentException("the URL has no host");
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** Whether the host is the address as usually written (other spellings get "resolves to"). */
  private static boolean isLiteralOf(String host, InetAddress address) {
    if (host.equals(address.getHostAddress())) return true;
    if (host.indexOf(':') < 0) return false; // 127.1 and 2130706433 also mean 127.0.0.1
    try {
      return InetAddress.ofLiteral(host).equals(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String article(String kind) {
    return "aeiou".indexOf(kind.charAt(0)) >= 0 ? "an" : "a";
  }
}
