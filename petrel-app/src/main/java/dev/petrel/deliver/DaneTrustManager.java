package dev.petrel.deliver;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a server's certificate chain against the usable TLSA records of its host (RFC 7672 §3, RFC
 * 7671). One instance serves one connection and remembers its {@link Verdict}, so delivery can
 * explain a refused handshake in its own words.
 *
 * <ul>
 *   <li>DANE-EE(3): the server's own certificate (selector 0) or public key (selector 1) must
 *       match; neither its names nor its validity dates are checked (RFC 7672 §3.1.1).
 *   <li>DANE-TA(2): a certificate the server sends after its own must match; the server's
 *       certificate must chain to it (signatures, validity dates, CA constraints; the trust
 *       anchor's own dates are not checked), and carry a name that matches the MX host or the TLSA
 *       base domain (RFC 7672 §3.1.2 and §3.2.2; a wildcard covers one leftmost label).
 * </ul>
 */
final class DaneTrustManager extends X509ExtendedTrustManager {

  /**
   * What the check came to.
   *
   * @param matched the record that authenticated the server, or null
   * @param failure the RFC 8460 result type when it failed, else null
   * @param detail a sentence saying what matched or what did not
   */
  record Verdict(TlsaRecord matched, TlsSessionResult.Failure failure, String detail) {
    boolean ok() {
      return failure == null;
    }
  }

  private final List<TlsaRecord> records;
  private final List<String> names;
  private final InstantSource clock;
  private volatile Verdict verdict;

  /**
   * @param records the TLSA records (unusable ones are skipped)
   * @param names the reference names for DANE-TA: the MX host, the TLSA base domain
   */
  DaneTrustManager(List<TlsaRecord> records, List<String> names, InstantSource clock) {
    this.records = List.copyOf(records);
    this.names = names.stream().map(DaneTrustManager::normal).distinct().toList();
    this.clock = clock;
  }

  /** A client TLS context that trusts exactly what this manager accepts. */
  SSLContext context() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {this}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  /** The outcome of the last check, or null when the server sent no certificate to check. */
  Verdict verdict() {
    return verdict;
  }

  /** Checks {@code chain} (the server's certificate first) against {@code records}. */
  static Verdict check(
      X509Certificate[] chain, List<TlsaRecord> records, List<String> names, Instant now) {
    if (chain == null || chain.length == 0)
      return new Verdict(
          null, TlsSessionResult.Failure.VALIDATION_FAILURE, "the server sent no certificate");
    List<TlsaRecord> usable = records.stream().filter(TlsaRecord::usable).toList();
    for (TlsaRecord r : usable) {
      if (r.usage() == TlsaRecord.DANE_EE && matches(r, chain[0]))
        return new Verdict(
            r, null, "the server's certificate matches TLSA " + r.describe() + " (DANE-EE)");
    }
    Verdict problem = null;
    for (TlsaRecord r : usable) {
      if (r.usage() != TlsaRecord.DANE_TA) continue;
      for (int i = 1; i < chain.length; i++) {
        if (!matches(r, chain[i])) continue;
        Verdict path = validatePath(chain, i, now);
        if (path != null) {
          problem = path;
          continue;
        }
        List<String> presented = namesOf(chain[0]);
        if (!nameMatches(presented, names)) {
          problem =
              new Verdict(
                  null,
                  TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH,
                  "the certificate chains to the trust anchor of TLSA "
                      + r.describe()
                      + ", but names "
                      + (presented.isEmpty() ? "no host" : String.join(", ", presented))
                      + ", not "
                      + String.join(" or ", names)
                      + " (RFC 7672 §3.2.2)");
          continue;
        }
        return new Verdict(
            r,
            null,
            "the server's certificate chains to the trust anchor of TLSA "
                + r.describe()
                + " and names "
                + String.join(" or ", names)
                + " (DANE-TA)");
      }
    }
    if (problem != null) return problem;
    return new Verdict(
        null,
        TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED,
        "no TLSA record matches the certificate chain presented (the server's public key has"
            + " SHA-256 "
            + HexFormat.of().formatHex(digest("SHA-256", chain[0].getPublicKey().getEncoded()))
            + "; usable records: "
            + String.join(", ", usable.stream().map(TlsaRecord::presentation).toList())
            + ")");
  }

  /** True when the certificate's selected part, digested as the record says, equals its data. */
  static boolean matches(TlsaRecord r, X509Certificate cert) {
    byte[] selected;
    try {
      selected = r.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return false;
    }
    byte[] value =
        switch (r.matchingType()) {
          case 0 -> selected;
          case 1 -> digest("SHA-256", selected);
          case 2 -> digest("SHA-512", selected);
          default -> null;
        };
    return value != null && MessageDigest.isEqual(value, r.data());
  }

  /**
   * Validates the chain from the server's certificate up to {@code chain[anchor]}, the trust anchor
   * (whose own dates do not count). Returns null when it holds.
   */
  private static Verdict validatePath(X509Certificate[] chain, int anchor, Instant now) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath path = cf.generateCertPath(Arrays.asList(chain).subList(0, anchor));
      X509Certificate ta = chain[anchor];
      PKIXParameters p =
          new PKIXParameters(
              Set.of(new TrustAnchor(ta.getSubjectX500Principal(), ta.getPublicKey(), null)));
      p.setRevocationEnabled(false);
      p.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(path, p);
      return null;
    } catch (CertPathValidatorException e) {
      boolean dates =
          e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
      return new Verdict(
          null,
          dates
              ? TlsSessionResult.Failure.CERTIFICATE_EXPIRED
              : TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED,
          "the certificate chain does not validate up to the trust anchor named by a DANE-TA"
              + " record: "
              + e.getMessage());
    } catch (GeneralSecurityException e) {
      return new Verdict(
          null,
          TlsSessionResult.Failure.VALIDATION_FAILURE,
          "cannot check the certificate chain: " + e.getMessage());
    }
  }

  /** The DNS names of a certificate: its subjectAltName dNSNames, else its subject's CN. */
  static List<String> namesOf(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      var alt = cert.getSubjectAlternativeNames();
      if (alt != null)
        for (List<?> entry : alt)
          if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)))
            out.add(normal(String.valueOf(entry.get(1))));
    } catch (CertificateParsingException e) {
      // fall back to the subject's CN
    }
    if (!out.isEmpty()) return out;
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns())
        if (rdn.getType().equalsIgnoreCase("CN")) out.add(normal(String.valueOf(rdn.getValue())));
    } catch (InvalidNameException e) {
      // no usable subject
    }
    return out;
  }

  /** RFC 7672 §3.2.3: exact, or a wildcard {@code *.rest} standing for one leftmost label. */
  static boolean nameMatches(List<String> presented, List<String> reference) {
    for (String p : presented) {
      for (String ref : reference) {
        if (p.equals(ref)) return true;
        if (p.startsWith("*.")) {
          int dot = ref.indexOf('.');
          if (dot > 0 && ref.substring(dot + 1).equals(p.substring(2))) return true;
        }
      }
    }
    return false;
  }

  private static String normal(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " missing from this JDK", e);
    }
  }

  private void checkServer(X509Certificate[] chain) throws CertificateException {
    Verdict v = check(chain, records, names, clock.instant());
    verdict = v;
    if (!v.ok()) throw new CertificateException("DANE: " + v.detail());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a DANE trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a DANE trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a DANE trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
