package dev.petrel.deliver;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * The web PKI check of an MX certificate (RFC 8461 §4.2, RFC 6125): the chain leads to a trusted CA
 * ({@link TlsTrust}), the server's certificate is within its validity dates, and it is issued for
 * the MX host name. Names are compared as RFC 6125 §6.4 says: the DNS names of the subject
 * alternative name extension (the common name only when there is none), case-insensitively, a
 * wildcard only as the whole leftmost label, matching exactly one label.
 *
 * @param name what the verification is shown as ({@code mta-sts}, {@code pkix})
 */
public record PkixCheck(String name) implements CertificateCheck {

  @Override
  public Problem check(String host, Peer peer) {
    if (peer == null || peer.chain().isEmpty())
      return new Problem(
          TlsSessionResult.Failure.VALIDATION_FAILURE, "the server sent no certificate");
    X509Certificate leaf = peer.chain().getFirst();
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      return new Problem(
          TlsSessionResult.Failure.CERTIFICATE_EXPIRED,
          "the certificate expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      return new Problem(
          TlsSessionResult.Failure.CERTIFICATE_EXPIRED,
          "the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    if (peer.pkixFailure() != null) {
      if (expired(peer.pkixFailure()))
        return new Problem(
            TlsSessionResult.Failure.CERTIFICATE_EXPIRED,
            "a certificate of the chain is expired: " + message(peer.pkixFailure()));
      return new Problem(
          TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED,
          "the chain does not lead to a trusted CA (" + message(peer.pkixFailure()) + ")");
    }
    List<String> names = dnsNames(leaf);
    for (String n : names) if (matches(n, host)) return null;
    return new Problem(
        TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH,
        "the certificate is for "
            + (names.isEmpty() ? "no DNS name" : String.join(", ", names))
            + ", not "
            + host);
  }

  /** The DNS names the certificate is for: its subject alternative names, else its common name. */
  static List<String> dnsNames(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null)
        for (List<?> entry : alt)
          if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)))
            out.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
    } catch (CertificateParsingException e) {
      return out;
    }
    if (!out.isEmpty()) return out;
    String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    for (String part : dn.split(",")) {
      if (part.regionMatches(true, 0, "CN=", 0, 3))
        out.add(part.substring(3).toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** RFC 6125 §6.4.3 as narrowed by RFC 8461 §4.2: {@code *} only as the whole leftmost label. */
  static boolean matches(String certName, String host) {
    String c = trim(certName.toLowerCase(Locale.ROOT));
    String h = trim(host.toLowerCase(Locale.ROOT));
    if (!c.startsWith("*.")) return c.equals(h);
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot + 1).equals(c.substring(2)) && c.indexOf('.', 2) > 0;
  }

  private static String trim(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean expired(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException)
        return true;
      if (t instanceof CertPathValidatorException v
          && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID))
        return true;
    }
    return false;
  }

  private static String message(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}
