package dev.petrel.deliver;

import java.time.InstantSource;
import java.util.List;

/**
 * DANE (RFC 7672) as a {@link TlsRequirements.Source}: the secure TLSA records {@link DaneLookup}
 * finds for an MX host decide that host's requirement. {@link Deliverer} places it before MTA-STS,
 * so where a host has secure TLSA records DANE wins (RFC 8461 §2); the operator's per-domain policy
 * is applied before any source and wins over both.
 *
 * <ul>
 *   <li>Usable records: STARTTLS is mandatory and the certificate must match them ({@link
 *       DaneCheck}); a mismatch or a missing STARTTLS defers the recipients for this host.
 *   <li>Records, none usable (only PKIX-TA/PKIX-EE, or unknown parameters; RFC 7672 §3.1.3):
 *       STARTTLS is still mandatory, the certificate is not checked, and the session is reported as
 *       {@code tlsa-invalid}.
 *   <li>A failed lookup (bogus data or an unreachable resolver: RFC 8460 {@code dnssec-invalid}):
 *       the host is not connected to, and the mail is deferred rather than sent with less
 *       protection than the receiver may have asked for (RFC 7672 §2.1).
 *   <li>No secure records, or an insecure MX or address lookup: no answer; the next source decides.
 * </ul>
 *
 * Only mail routed through MX records (or the implicit MX of a domain without them) is concerned:
 * static routes, the relay host and address literals are the operator's own choice, as for MTA-STS.
 */
final class Dane implements TlsRequirements.Source {

  private final DaneLookup lookup;
  private final InstantSource clock;

  Dane(DaneLookup lookup, InstantSource clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  @Override
  public TlsRequirements.PerHost forRoute(String domain, Route route) {
    if ((route.kind() != Route.Kind.MX && route.kind() != Route.Kind.IMPLICIT_MX)
        || domain.startsWith("[")) return null;
    return target -> requirement(domain, lookup.lookup(domain, route.kind(), target));
  }

  /** The requirement DANE sets for one host, or null when DANE does not apply to it. */
  TlsRequirement requirement(String domain, DaneLookup.Result result) {
    return switch (result) {
      case DaneLookup.NotApplicable n -> null;
      case DaneLookup.Failed f ->
          new TlsRequirement(
              TlsRequirement.Source.DANE,
              TlsPolicy.REQUIRED,
              null,
              true,
              f.detail(),
              "dane (TLSA lookup failed)",
              new TlsRequirement.Report(TlsSessionResult.PolicyType.TLSA, domain, List.of()),
              new CertificateCheck.Problem(TlsSessionResult.Failure.DNSSEC_INVALID, f.detail()));
      case DaneLookup.Records r -> {
        List<TlsaRecord> usable = r.usable();
        TlsRequirement.Report report =
            new TlsRequirement.Report(TlsSessionResult.PolicyType.TLSA, domain, r.presentation());
        int n = r.records().size();
        String count = n + (n == 1 ? " TLSA record" : " TLSA records");
        if (usable.isEmpty())
          yield new TlsRequirement(
              TlsRequirement.Source.DANE,
              TlsPolicy.REQUIRED,
              null,
              true,
              null,
              "dane (" + count + ", none usable)",
              report,
              new CertificateCheck.Problem(
                  TlsSessionResult.Failure.TLSA_INVALID,
                  "no usable TLSA record at "
                      + r.owner()
                      + " ("
                      + r.records().getFirst().unusableBecause()
                      + "); TLS was used without authentication"));
        yield new TlsRequirement(
            TlsRequirement.Source.DANE,
            TlsPolicy.REQUIRED,
            new DaneCheck(usable, r.baseDomain(), r.owner(), clock),
            true,
            null,
            "dane (" + count + ")",
            report,
            null);
      }
    };
  }
}
