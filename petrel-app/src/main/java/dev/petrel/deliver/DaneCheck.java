package dev.petrel.deliver;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
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

/**
 * The {@link CertificateCheck} of DANE (RFC 7672 §3, RFC 7671): after the handshake, the server's
 * certificate chain is matched against the usable TLSA records of its host. A {@link
 * TlsRequirement} from {@link Dane} carries one; two checks are equal when they hold the same
 * records for the same owner name, which is what lets a pooled connection verified under one serve
 * another delivery to the same host.
 *
 * <ul>
 *   <li>DANE-EE(3): the server's own certificate (selector 0) or public key (selector 1) must
 *       match; neither its names nor its validity dates are checked (RFC 7672 §3.1.1).
 *   <li>DANE-TA(2): a certificate the server sends after its own must match; the server's
 *       certificate must chain to it (signatures, validity dates, CA constraints; the trust
 *       anchor's own dates are not checked), and carry a name that matches the MX host or the TLSA
 *       base domain (RFC 7672 §3.1.2 and §3.2.2; a wildcard covers one leftmost label).
 * </ul>
 *
 * The web PKI result the handshake recorded plays no part.
 *
 * @param records the usable TLSA records (at least one)
 * @param baseDomain the TLSA base domain (the MX host, or the end of its CNAME chain), a reference
 *     name for DANE-TA besides the MX host
 * @param owner the owner name of the records ({@code _25._tcp.BASE}), for explanations
 */
record DaneCheck(List<TlsaRecord> records, String baseDomain, String owner, InstantSource clock)
    implements CertificateCheck {

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

  DaneCheck {
    records = List.copyOf(records);
    if (records.isEmpty()) throw new IllegalArgumentException("a DANE check needs a usable record");
  }

  @Override
  public String name() {
    return "dane";
  }

  @Override
  public Problem check(String host, Peer peer) {
    X509Certificate[] chain = peer == null ? null : peer.chain().toArray(new X509Certificate[0]);
    List<String> names =
        java.util.stream.Stream.of(host, baseDomain).map(DaneCheck::normal).distinct().toList();
    Verdict v = check(chain, records, names, clock.instant());
    return v.ok() ? null : new Problem(v.failure(), v.detail());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DaneCheck d
        && d.records.equals(records)
        && d.owner.equals(owner)
        && d.baseDomain.equals(baseDomain);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(records, owner, baseDomain);
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
}
