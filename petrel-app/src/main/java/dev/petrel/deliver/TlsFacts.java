package dev.petrel.deliver;

/**
 * What an attempt's TLS came to, beyond the protocol and cipher: how the certificate was checked,
 * which policy was in force and where it came from, and what failed under it.
 *
 * @param verified what the server's certificate was verified against: {@code mta-sts}, {@code
 *     dane}, {@code pkix} (the operator's {@code verify} policy), or {@code none} (encrypted
 *     without a check, or a check that failed in testing mode); null without TLS
 * @param policy the policy in force and its source: {@code mta-sts enforce id=20240101}, {@code
 *     configured required}, {@code opportunistic}
 * @param problem what failed under the policy, in RFC 8460 terms and plain words ({@code
 *     certificate-host-mismatch: the certificate is for mx.other.test, not mx.example.test}), or
 *     null when nothing did
 */
public record TlsFacts(String verified, String policy, String problem) {

  public TlsFacts {
    if (policy == null) throw new IllegalArgumentException("the policy is required");
  }
}
