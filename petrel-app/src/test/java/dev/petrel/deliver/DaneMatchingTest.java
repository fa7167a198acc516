package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * TLSA records against certificate chains (RFC 6698 §2.1, RFC 7671, RFC 7672 §3): each selector and
 * matching type, DANE-EE without name or date checks, DANE-TA with chain, dates and names, the
 * usages SMTP cannot use, and malformed records.
 */
class DaneMatchingTest {

  static final Instant NOW = Instant.now();

  record Issued(KeyPair keys, X509Certificate cert) {}

  static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  static Issued issue(
      String subject,
      KeyPair subjectKeys,
      Issued issuer,
      boolean ca,
      Instant from,
      Instant until,
      String... dnsNames)
      throws Exception {
    X500Name name = new X500Name("CN=" + subject);
    KeyPair signer = issuer == null ? subjectKeys : issuer.keys();
    X500Name issuerName =
        issuer == null ? name : new X500Name(issuer.cert().getSubjectX500Principal().getName());
    var b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(System.nanoTime()),
            Date.from(from),
            Date.from(until),
            name,
            subjectKeys.getPublic());
    if (ca) {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    if (dnsNames.length > 0) {
      GeneralName[] alt = new GeneralName[dnsNames.length];
      for (int i = 0; i < dnsNames.length; i++)
        alt[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
    }
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    return new Issued(subjectKeys, cert);
  }

  static Issued selfSigned(String cn) throws Exception {
    return issue(
        cn, keys(), null, false, NOW.minus(1, ChronoUnit.DAYS), NOW.plus(30, ChronoUnit.DAYS));
  }

  static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  static TlsaRecord tlsa(int usage, int selector, int matching, X509Certificate cert)
      throws Exception {
    byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    String data =
        switch (matching) {
          case 0 -> HexFormat.of().formatHex(selected);
          case 1 -> hex("SHA-256", selected);
          default -> hex("SHA-512", selected);
        };
    return TlsaRecord.parse(usage + " " + selector + " " + matching + " " + data);
  }

  static DaneTrustManager.Verdict check(X509Certificate[] chain, TlsaRecord... records) {
    return DaneTrustManager.check(chain, List.of(records), List.of("mx.dane.test"), NOW);
  }

  @Test
  void daneEeMatchesEachSelectorAndMatchingType() throws Exception {
    Issued leaf = selfSigned("whatever.example");
    for (int selector = 0; selector <= 1; selector++)
      for (int matching = 0; matching <= 2; matching++) {
        TlsaRecord r = tlsa(3, selector, matching, leaf.cert());
        DaneTrustManager.Verdict v = check(new X509Certificate[] {leaf.cert()}, r);
        assertThat(v.ok()).as(r.describe()).isTrue();
        assertThat(v.matched()).isEqualTo(r);
      }
  }

  @Test
  void daneEeIgnoresNamesAndDates() throws Exception {
    Issued expired =
        issue(
            "wrong.example",
            keys(),
            null,
            false,
            NOW.minus(400, ChronoUnit.DAYS),
            NOW.minus(30, ChronoUnit.DAYS));
    assertThat(check(new X509Certificate[] {expired.cert()}, tlsa(3, 1, 1, expired.cert())).ok())
        .isTrue();
  }

  @Test
  void anotherKeyDoesNotMatch() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    Issued other = selfSigned("mx.dane.test");
    DaneTrustManager.Verdict v =
        check(new X509Certificate[] {leaf.cert()}, tlsa(3, 1, 1, other.cert()));
    assertThat(v.ok()).isFalse();
    assertThat(v.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.detail())
        .contains("no TLSA record matches")
        .contains(hex("SHA-256", leaf.cert().getPublicKey().getEncoded()));
  }

  @Test
  void daneEeRecordDoesNotMatchAnIssuerInTheChain() throws Exception {
    Issued ca = caCert();
    Issued leaf = leaf(ca, "mx.dane.test");
    assertThat(check(new X509Certificate[] {leaf.cert(), ca.cert()}, tlsa(3, 1, 1, ca.cert())).ok())
        .isFalse();
  }

  static Issued caCert() throws Exception {
    return issue(
        "Test CA",
        keys(),
        null,
        true,
        NOW.minus(1, ChronoUnit.DAYS),
        NOW.plus(365, ChronoUnit.DAYS));
  }

  static Issued leaf(Issued ca, String... names) throws Exception {
    return issue(
        "leaf",
        keys(),
        ca,
        false,
        NOW.minus(1, ChronoUnit.DAYS),
        NOW.plus(30, ChronoUnit.DAYS),
        names);
  }

  @Test
  void daneTaNeedsTheAnchorInTheChainAndTheName() throws Exception {
    Issued ca = caCert();
    Issued leaf = leaf(ca, "mx.dane.test");
    X509Certificate[] chain = {leaf.cert(), ca.cert()};
    for (int selector = 0; selector <= 1; selector++)
      for (int matching = 0; matching <= 2; matching++) {
        TlsaRecord r = tlsa(2, selector, matching, ca.cert());
        assertThat(check(chain, r).ok()).as(r.describe()).isTrue();
      }
    // The anchor left out of the chain: nothing to match.
    DaneTrustManager.Verdict missing =
        check(new X509Certificate[] {leaf.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(missing.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void daneTaChecksTheServerName() throws Exception {
    Issued ca = caCert();
    Issued elsewhere = leaf(ca, "mail.other.test");
    DaneTrustManager.Verdict v =
        check(new X509Certificate[] {elsewhere.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(v.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH);
    assertThat(v.detail()).contains("mail.other.test").contains("mx.dane.test");
    // A wildcard stands for one leftmost label.
    Issued wild = leaf(ca, "*.dane.test");
    assertThat(check(new X509Certificate[] {wild.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert())).ok())
        .isTrue();
    Issued deep = leaf(ca, "*.test");
    assertThat(check(new X509Certificate[] {deep.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert())).ok())
        .isFalse();
  }

  @Test
  void daneTaChecksTheServerCertificatesDatesAndSignature() throws Exception {
    Issued ca = caCert();
    Issued expired =
        issue(
            "leaf",
            keys(),
            ca,
            false,
            NOW.minus(60, ChronoUnit.DAYS),
            NOW.minus(1, ChronoUnit.DAYS),
            "mx.dane.test");
    DaneTrustManager.Verdict v =
        check(new X509Certificate[] {expired.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(v.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_EXPIRED);
    // Signed by another CA, with this CA appended to the chain.
    Issued otherCa = caCert();
    Issued foreign = leaf(otherCa, "mx.dane.test");
    DaneTrustManager.Verdict f =
        check(new X509Certificate[] {foreign.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(f.ok()).isFalse();
    assertThat(f.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void pkixUsagesAndMalformedRecordsAreUnusable() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    TlsaRecord pkixEe = tlsa(1, 1, 1, leaf.cert());
    TlsaRecord pkixTa = tlsa(0, 1, 1, leaf.cert());
    assertThat(pkixEe.usable()).isFalse();
    assertThat(pkixEe.unusableBecause()).contains("RFC 7672 §3.1.3");
    assertThat(pkixTa.usable()).isFalse();
    assertThat(check(new X509Certificate[] {leaf.cert()}, pkixEe, pkixTa).ok()).isFalse();
    TlsaRecord shortDigest = TlsaRecord.parse("3 1 1 00ff");
    assertThat(shortDigest.usable()).isFalse();
    assertThat(shortDigest.unusableBecause()).contains("32 octets");
    assertThat(TlsaRecord.parse("3 2 1 " + "00".repeat(32)).usable()).isFalse();
    assertThat(TlsaRecord.parse("3 1 3 " + "00".repeat(32)).usable()).isFalse();
    assertThat(TlsaRecord.parse("4 1 1 " + "00".repeat(32)).usable()).isFalse();
    assertThat(TlsaRecord.parse("2 0 2 " + "ab".repeat(64)).usable()).isTrue();
  }

  @Test
  void presentationFormRoundTrips() {
    String text = "3 1 1 " + "AB".repeat(32);
    TlsaRecord r = TlsaRecord.parse(text);
    assertThat(r.presentation()).isEqualTo("3 1 1 " + "ab".repeat(32));
    assertThat(TlsaRecord.parse(r.presentation())).isEqualTo(r);
    assertThat(r.describe()).isEqualTo("DANE-EE(3) SPKI(1) SHA-256(1)");
    assertThatThrownBy(() -> TlsaRecord.parse("3 1 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsaRecord.parse("3 1 1 xyz"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trustManagerRefusesAndRemembersWhy() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    Issued other = selfSigned("mx.dane.test");
    DaneTrustManager tm =
        new DaneTrustManager(
            List.of(tlsa(3, 1, 1, other.cert())), List.of("mx.dane.test"), InstantSource.system());
    assertThatThrownBy(
            () -> tm.checkServerTrusted(new X509Certificate[] {leaf.cert()}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("DANE: no TLSA record matches");
    assertThat(tm.verdict().failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
    DaneTrustManager ok =
        new DaneTrustManager(
            List.of(tlsa(3, 1, 1, leaf.cert())), List.of("mx.dane.test"), InstantSource.system());
    ok.checkServerTrusted(new X509Certificate[] {leaf.cert()}, "ECDHE_ECDSA");
    assertThat(ok.verdict().ok()).isTrue();
  }
}
