package dev.petrel.deliver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides the {@link TlsRequirement} of each MX host: the operator's per-domain policy first, then
 * each discovered source in order (DANE, then MTA-STS), then the default policy. Thread-safe.
 *
 * <p>This is the seam for policy sources. A source is asked once per delivery with the route
 * ({@link Source#forRoute}), and the answer once per MX host; it says null to leave the decision to
 * the next one. DANE (RFC 7672, {@link Dane}) is placed before MTA-STS ({@link MtaSts}) in the list
 * given to the constructor (RFC 8461 §2: where DANE applies it wins over MTA-STS); see {@link
 * Deliverer}, which assembles the list.
 */
public final class TlsRequirements {

  /** One kind of published policy (DANE, MTA-STS). */
  public interface Source {

    /**
     * Looks up what the domain publishes, for one delivery. Never throws: lookup trouble is either
     * no policy (null) or a requirement carrying {@link TlsRequirement#policyProblem()}.
     *
     * @return how to decide per host, or null when the source has nothing for this route
     */
    PerHost forRoute(String domain, Route route);
  }

  /** A source's answer for one route. */
  @FunctionalInterface
  public interface PerHost {
    /** The requirement for this MX host, or null to let the next source decide. */
    TlsRequirement forHost(MxTarget target);
  }

  private final ClientConfig client;
  private final List<Source> sources;
  private final PkixCheck configuredCheck = new PkixCheck("pkix");

  /**
   * @param client the operator's policies (default and per domain)
   * @param sources discovered policies, strongest first (DANE before MTA-STS)
   */
  public TlsRequirements(ClientConfig client, List<Source> sources) {
    this.client = client;
    this.sources = List.copyOf(sources);
  }

  /** The per-host requirements for one delivery to {@code domain} over {@code route}. */
  public PerHost forRoute(String domain, Route route) {
    String d = domain.toLowerCase(Locale.ROOT);
    TlsPolicy configured = client.tlsPolicies().get(d);
    if (configured != null) {
      TlsRequirement r = TlsRequirement.configured(d, configured, configuredCheck);
      return target -> r;
    }
    List<PerHost> found = new ArrayList<>();
    for (Source s : sources) {
      PerHost p = s.forRoute(d, route);
      if (p != null) found.add(p);
    }
    TlsRequirement fallback =
        client.tlsPolicy() == TlsPolicy.VERIFY
            ? TlsRequirement.configured(d, TlsPolicy.VERIFY, configuredCheck)
            : TlsRequirement.opportunistic(d, client.tlsPolicy());
    return target -> {
      for (PerHost p : found) {
        TlsRequirement r = p.forHost(target);
        if (r != null) return r;
      }
      return fallback;
    };
  }
}
