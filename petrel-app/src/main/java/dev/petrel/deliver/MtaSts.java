package dev.petrel.deliver;

import dev.petrel.model.OutboundPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MTA-STS (RFC 8461) as a {@link TlsRequirements.Source}: discovery through the {@code
 * _mta-sts.DOMAIN} TXT record, the policy fetched over HTTPS ({@link MtaStsFetch}) and kept for its
 * {@code max_age} (in memory and in the {@link MtaStsStore}), and the requirement each MX host gets
 * from it.
 *
 * <p>Caching follows RFC 8461 §5.1: a kept, unexpired policy is used while the TXT id stays the
 * same; a new id fetches again; when that fetch fails, or the TXT lookup fails or the record is
 * gone, the kept policy keeps being used until it expires. Without a kept policy a failed fetch
 * means delivery as without a policy, with the failure recorded and reported (RFC 8460 {@code
 * sts-policy-fetch-error}). A failed fetch is not repeated for {@link #RETRY_FETCH}.
 *
 * <p>Only mail routed through MX records (or the implicit MX of a domain without them) is
 * concerned: static routes and the relay host are the operator's choice (RFC 8461 §4 applies to MX
 * hosts).
 */
public final class MtaSts implements TlsRequirements.Source {

  /** How long a failed fetch is remembered before another try. */
  static final Duration RETRY_FETCH = Duration.ofMinutes(5);

  private record Failed(String id, CertificateCheck.Problem problem, Instant until) {}

  private final DnsLookup dns;
  private final MtaStsFetch fetch;
  private final MtaStsStore store;
  private final InstantSource clock;
  private final PkixCheck check = new PkixCheck("mta-sts");
  private final Map<String, MtaStsStore.Cached> kept = new ConcurrentHashMap<>();
  private final Map<String, Failed> failed = new ConcurrentHashMap<>();

  /**
   * @param dns where the TXT record and the policy host's addresses are looked up
   * @param outbound which addresses the policy fetch may reach
   * @param trust the CAs the policy host's certificate (and MX certificates) must lead to
   * @param httpsPort the policy host's port (443; tests use another)
   * @param timeout the limit of one whole fetch
   * @param store where policies are kept between runs
   */
  public MtaSts(
      DnsLookup dns,
      OutboundPolicy outbound,
      TlsTrust trust,
      int httpsPort,
      Duration timeout,
      MtaStsStore store,
      InstantSource clock) {
    this.dns = dns;
    this.fetch = new MtaStsFetch(dns, outbound, trust, httpsPort, timeout);
    this.store = store == null ? MtaStsStore.MEMORY : store;
    this.clock = clock;
  }

  @Override
  public TlsRequirements.PerHost forRoute(String domain, Route route) {
    if ((route.kind() != Route.Kind.MX && route.kind() != Route.Kind.IMPLICIT_MX)
        || domain.startsWith("[")) return null;
    Found found = policy(domain);
    if (found.policy == null) {
      if (found.problem == null) return null;
      TlsRequirement r =
          new TlsRequirement(
              TlsRequirement.Source.MTA_STS,
              TlsPolicy.OPPORTUNISTIC,
              null,
              false,
              null,
              "opportunistic (mta-sts policy unavailable)",
              new TlsRequirement.Report(TlsSessionResult.PolicyType.STS, domain, List.of()),
              found.problem);
      return target -> r;
    }
    MtaStsPolicy p = found.policy;
    if (p.mode() == MtaStsPolicy.Mode.NONE) return null;
    TlsRequirement.Report report =
        new TlsRequirement.Report(TlsSessionResult.PolicyType.STS, domain, p.lines());
    boolean enforce = p.mode() == MtaStsPolicy.Mode.ENFORCE;
    return target -> {
      boolean listed = p.allows(target.host());
      String notListed =
          target.host()
              + " is not an MX host of "
              + domain
              + "'s MTA-STS policy (mx: "
              + String.join(", ", p.mx())
              + ")";
      return new TlsRequirement(
          TlsRequirement.Source.MTA_STS,
          enforce ? TlsPolicy.REQUIRED : TlsPolicy.OPPORTUNISTIC,
          check,
          enforce,
          enforce && !listed ? notListed : null,
          p.describe(),
          report,
          !enforce && !listed
              ? new CertificateCheck.Problem(TlsSessionResult.Failure.VALIDATION_FAILURE, notListed)
              : null);
    };
  }

  /** A policy to apply, or none with the problem that left the domain without one. */
  private record Found(MtaStsPolicy policy, CertificateCheck.Problem problem) {}

  private Found policy(String domain) {
    Instant now = clock.instant();
    MtaStsStore.Cached cached = kept.get(domain);
    if (cached == null) {
      cached = store.load(domain);
      if (cached != null) kept.put(domain, cached);
    }
    if (cached != null && !now.isBefore(cached.expires())) cached = null;
    DnsAnswer<String> txt = dns.txt("_mta-sts." + domain);
    String id = id(txt);
    if (cached != null && (id == null || id.equals(cached.policy().id())))
      return new Found(cached.policy(), null);
    if (id == null) return new Found(null, null); // no (valid) record: no policy
    Failed f = failed.get(domain);
    if (f != null && f.id.equals(id) && now.isBefore(f.until))
      return new Found(cached == null ? null : cached.policy(), cached == null ? f.problem : null);
    try {
      MtaStsPolicy p = MtaStsPolicy.parse(id, fetch.fetch(domain));
      MtaStsStore.Cached fresh = new MtaStsStore.Cached(domain, p, now, now.plus(p.maxAge()));
      kept.put(domain, fresh);
      store.save(fresh);
      failed.remove(domain);
      return new Found(p, null);
    } catch (MtaStsFetch.FetchException | MtaStsPolicy.InvalidPolicyException e) {
      boolean invalid =
          e instanceof MtaStsPolicy.InvalidPolicyException
              || (e instanceof MtaStsFetch.FetchException x && x.invalid);
      CertificateCheck.Problem problem =
          new CertificateCheck.Problem(
              invalid
                  ? TlsSessionResult.Failure.STS_POLICY_INVALID
                  : TlsSessionResult.Failure.STS_POLICY_FETCH_ERROR,
              "MTA-STS policy of " + domain + " (id " + id + "): " + e.getMessage());
      failed.put(domain, new Failed(id, problem, now.plus(RETRY_FETCH)));
      // RFC 8461 §5.1: a kept, unexpired policy stays in force when a refresh fails.
      if (cached != null) return new Found(cached.policy(), null);
      return new Found(null, problem);
    }
  }

  /** The id of the domain's single valid STSv1 record, or null (RFC 8461 §3.1). */
  static String id(DnsAnswer<String> txt) {
    if (txt.status() != DnsAnswer.Status.FOUND) return null;
    List<String> sts = new ArrayList<>();
    for (String r : txt.records()) if (r.startsWith("v=STSv1")) sts.add(r);
    if (sts.size() != 1) return null;
    return MtaStsPolicy.recordId(sts.getFirst());
  }
}
