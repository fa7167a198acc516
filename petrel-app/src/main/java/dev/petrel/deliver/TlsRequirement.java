package dev.petrel.deliver;

import java.util.List;

/**
 * What TLS one MX host must offer for mail to one recipient domain, and where that requirement
 * comes from. Delivery asks {@link TlsRequirements} for one before connecting to each host and
 * holds the connection to it.
 *
 * <p>The sources, strongest first: the operator's per-domain policy ({@code --tls-policy
 * DOMAIN=...}), DANE (RFC 7672: TLSA records of the MX host), MTA-STS (RFC 8461: the recipient
 * domain's published policy), then the default (opportunistic STARTTLS, RFC 7435). A source with
 * nothing to say passes to the next; see {@link TlsRequirements.Source}.
 *
 * @param source where the requirement comes from
 * @param encryption whether STARTTLS is skipped, tried, or a must ({@link TlsPolicy})
 * @param check how the server's certificate is checked, or null when it is not (encryption without
 *     authentication)
 * @param enforced true when a failed check or missing TLS keeps mail from this host (the recipients
 *     are deferred); false when it is only recorded (MTA-STS {@code testing})
 * @param refusal non-null when this host may not be used at all, saying why (an MX host an MTA-STS
 *     policy in enforce mode does not list; a host whose TLSA lookup failed, DANE {@code
 *     dnssec-invalid})
 * @param description the policy in force in a few words, shown with each attempt ({@code mta-sts
 *     enforce id=2024}, {@code configured required}, {@code opportunistic})
 * @param report how TLS reports (RFC 8460) count sessions under this requirement
 * @param policyProblem a problem with the policy itself that left delivery without it (an MTA-STS
 *     policy that could not be fetched, or that does not list this host in testing mode), recorded
 *     with the attempt and reported; null when none
 */
public record TlsRequirement(
    Source source,
    TlsPolicy encryption,
    CertificateCheck check,
    boolean enforced,
    String refusal,
    String description,
    Report report,
    CertificateCheck.Problem policyProblem) {

  /** Where a requirement comes from, strongest first. */
  public enum Source {
    CONFIGURED,
    DANE,
    MTA_STS,
    DEFAULT
  }

  /**
   * The RFC 8460 view of the policy: its type, the domain it belongs to, its text.
   *
   * @param policyType STS, TLSA, or none found
   * @param policyDomain the recipient domain
   * @param policyStrings the policy file's lines or the TLSA records; empty without a policy
   */
  public record Report(
      TlsSessionResult.PolicyType policyType, String policyDomain, List<String> policyStrings) {
    public Report {
      policyStrings = policyStrings == null ? List.of() : List.copyOf(policyStrings);
    }

    public static Report none(String domain) {
      return new Report(TlsSessionResult.PolicyType.NO_POLICY_FOUND, domain, List.of());
    }
  }

  public TlsRequirement {
    if (source == null || encryption == null || description == null || report == null)
      throw new IllegalArgumentException("source, encryption, description and report are required");
    if (check != null && encryption == TlsPolicy.NONE)
      throw new IllegalArgumentException("a certificate check needs TLS");
  }

  /** The requirement without a policy: STARTTLS when offered, any certificate (RFC 7435). */
  public static TlsRequirement opportunistic(String domain, TlsPolicy policy) {
    return new TlsRequirement(
        Source.DEFAULT,
        policy,
        null,
        policy == TlsPolicy.REQUIRED,
        null,
        policy == TlsPolicy.OPPORTUNISTIC ? "opportunistic" : "default " + name(policy),
        Report.none(domain),
        null);
  }

  /** The operator's policy for the domain ({@code --tls-policy DOMAIN=...}). */
  public static TlsRequirement configured(String domain, TlsPolicy policy, CertificateCheck pkix) {
    return new TlsRequirement(
        Source.CONFIGURED,
        policy == TlsPolicy.VERIFY ? TlsPolicy.REQUIRED : policy,
        policy == TlsPolicy.VERIFY ? pkix : null,
        policy == TlsPolicy.REQUIRED || policy == TlsPolicy.VERIFY,
        null,
        "configured " + name(policy),
        Report.none(domain),
        null);
  }

  /** True when the session must be encrypted for mail to go to this host. */
  public boolean tlsRequired() {
    return enforced && encryption == TlsPolicy.REQUIRED;
  }

  /**
   * Whether a pooled connection set up under {@code other} also serves this requirement. Without a
   * certificate check, any connection does (an encrypted one when TLS is required). With a check,
   * only one set up under the same source, policy and check ({@link DaneCheck}s are equal for the
   * same TLSA records), and, when the check is enforced, whose certificate passed it: {@code facts}
   * (what the session found) must name the check as what it was verified against.
   */
  boolean servedBy(TlsRequirement other, TlsFacts facts, boolean encrypted) {
    if (check == null) return !tlsRequired() || encrypted;
    if (other == null) return false;
    if (source != other.source
        || !description.equals(other.description)
        || !check.equals(other.check)) return false;
    return !enforced || (facts != null && check.name().equals(facts.verified()));
  }

  private static String name(TlsPolicy p) {
    return p.name().toLowerCase(java.util.Locale.ROOT);
  }
}
