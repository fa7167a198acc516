package dev.petrel.deliver;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one attempt to set up a TLS session with a receiving server came to, in the terms of SMTP
 * TLS Reporting (RFC 8460 §4.3 and §4.4): delivery reports one per server it tried under a policy
 * (or under none), and the TLS report writer counts them per policy domain and day.
 *
 * @param at when the session was set up or failed
 * @param policyDomain the recipient domain whose policy applied (RFC 8460 "policy-domain")
 * @param policyType which policy applied: MTA-STS, DANE (TLSA) or none found
 * @param policyStrings the policy as text (the MTA-STS policy file's lines, or the TLSA records in
 *     presentation form); empty when none was found
 * @param mxHost the receiving server's host name ("receiving-mx-hostname")
 * @param receivingIp the receiving server's address, or null when none was connected
 * @param failure null when the session was set up as the policy asks; otherwise what failed
 * @param detail a short free-text explanation of the failure ("failure-reason-code"), or null
 */
public record TlsSessionResult(
    Instant at,
    String policyDomain,
    PolicyType policyType,
    List<String> policyStrings,
    String mxHost,
    String receivingIp,
    Failure failure,
    String detail) {

  public TlsSessionResult {
    if (at == null || policyDomain == null || policyType == null || mxHost == null)
      throw new IllegalArgumentException("at, policyDomain, policyType and mxHost are required");
    policyStrings = policyStrings == null ? List.of() : List.copyOf(policyStrings);
  }

  public boolean successful() {
    return failure == null;
  }

  /** RFC 8460 §4.3 "policy-type". */
  public enum PolicyType {
    STS("sts"),
    TLSA("tlsa"),
    NO_POLICY_FOUND("no-policy-found");

    private final String rfcName;

    PolicyType(String rfcName) {
      this.rfcName = rfcName;
    }

    public String rfcName() {
      return rfcName;
    }
  }

  /** RFC 8460 §4.3 "result-type" values for failed sessions (§4.3.1 to §4.3.3). */
  public enum Failure {
    // Negotiation failures (RFC 8460 §4.3.1)
    STARTTLS_NOT_SUPPORTED,
    CERTIFICATE_HOST_MISMATCH,
    CERTIFICATE_NOT_TRUSTED,
    CERTIFICATE_EXPIRED,
    VALIDATION_FAILURE,
    // Policy failures, DANE (RFC 8460 §4.3.2.1)
    TLSA_INVALID,
    DNSSEC_INVALID,
    DANE_REQUIRED,
    // Policy failures, MTA-STS (RFC 8460 §4.3.2.2)
    STS_POLICY_FETCH_ERROR,
    STS_POLICY_INVALID,
    STS_WEBPKI_INVALID;

    /** The value as RFC 8460 writes it ({@code certificate-host-mismatch}). */
    public String rfcName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
