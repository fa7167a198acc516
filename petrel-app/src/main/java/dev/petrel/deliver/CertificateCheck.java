package dev.petrel.deliver;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a server's certificate is checked after the TLS handshake under a {@link TlsRequirement}.
 * {@link PkixCheck} is the web PKI check MTA-STS and configured {@code verify} use; DANE (RFC 7672)
 * brings its own, checking the chain against the MX host's TLSA records.
 */
public interface CertificateCheck {

  /** The name shown as what the certificate was verified against: {@code mta-sts}, {@code dane}. */
  String name();

  /**
   * Checks the server's chain.
   *
   * @param host the MX host name the certificate must be valid for
   * @param peer the chain the server sent and what the PKIX validation against the trusted CAs
   *     found
   * @return null when the certificate passes; else what failed
   */
  Problem check(String host, Peer peer);

  /**
   * What the handshake learned about the server's certificate.
   *
   * @param chain the certificates the server sent, its own first
   * @param pkixFailure why the chain does not lead to a trusted CA, or null when it does
   */
  record Peer(List<X509Certificate> chain, CertificateException pkixFailure) {
    public Peer {
      chain = List.copyOf(chain);
    }
  }

  /**
   * A failed check in the words of TLS reports (RFC 8460 §4.3) and for people.
   *
   * @param failure the RFC 8460 result type
   * @param detail what was found, in plain words ({@code the certificate is for mx.other.test, not
   *     mx.example.test})
   */
  record Problem(TlsSessionResult.Failure failure, String detail) {
    public Problem {
      if (failure == null || detail == null)
        throw new IllegalArgumentException("failure and detail are required");
    }

    /** {@code certificate-host-mismatch: the certificate is for ...}. */
    public String text() {
      return failure.rfcName() + ": " + detail;
    }
  }
}
