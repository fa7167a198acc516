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

  static DaneCheck.Verdict check(X509Certificate[] chain, TlsaRecord... records) {
    return DaneCheck.check(chain, List.of(records), List.of("mx.dane.test"), NOW);
  }

  @Test
  void daneEeMatchesEachSelectorAndMatchingType() throws Exception {
    Issued leaf = selfSigned("whatever.example");
    for (int selector = 0; selector <= 1; selector++)
      for (int matching = 0; matching <= 2; matching++) {
        TlsaRecord r = tlsa(3, selector, matching, leaf.cert());
        DaneCheck.Verdict v = check(new X509Certificate[] {leaf.cert()}, r);
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
    DaneCheck.Verdict v = check(new X509Certificate[] {leaf.cert()}, tlsa(3, 1, 1, other.cert()));
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
    DaneCheck.Verdict missing =
        check(new X509Certificate[] {leaf.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(missing.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void daneTaChecksTheServerName() throws Exception {
    Issued ca = caCert();
    Issued elsewhere = leaf(ca, "mail.other.test");
    DaneCheck.Verdict v =
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
    DaneCheck.Verdict v =
        check(new X509Certificate[] {expired.cert(), ca.cert()}, tlsa(2, 1, 1, ca.cert()));
    assertThat(v.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_EXPIRED);
    // Signed by another CA, with this CA appended to the chain.
    Issued otherCa = caCert();
    Issued foreign = leaf(otherCa, "mx.dane.test");
    DaneCheck.Verdict f =
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
  void asTheRequirementsCheckItMatchesTheChainTheHandshakeRecorded() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    Issued other = selfSigned("mx.dane.test");
    DaneCheck refusing =
        new DaneCheck(
            List.of(tlsa(3, 1, 1, other.cert())),
            "mx.dane.test",
            "_25._tcp.mx.dane.test",
            InstantSource.system());
    CertificateCheck.Peer peer = new CertificateCheck.Peer(List.of(leaf.cert()), null);
    CertificateCheck.Problem p = refusing.check("mx.dane.test", peer);
    assertThat(p.failure()).isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
    assertThat(p.detail()).contains("no TLSA record matches");
    assertThat(refusing.check("mx.dane.test", null).failure())
        .isEqualTo(TlsSessionResult.Failure.VALIDATION_FAILURE);
    DaneCheck ok =
        new DaneCheck(
            List.of(tlsa(3, 1, 1, leaf.cert())),
            "mx.dane.test",
            "_25._tcp.mx.dane.test",
            InstantSource.system());
    // DANE-EE ignores what the web PKI said about the chain.
    CertificateCheck.Peer untrusted =
        new CertificateCheck.Peer(List.of(leaf.cert()), new CertificateException("no trusted CA"));
    assertThat(ok.check("mx.dane.test", untrusted)).isNull();
    assertThat(ok.name()).isEqualTo("dane");
    // Equal for the same records: what lets a pooled connection verified under one serve another.
    assertThat(ok)
        .isEqualTo(
            new DaneCheck(
                List.of(tlsa(3, 1, 1, leaf.cert())),
                "mx.dane.test",
                "_25._tcp.mx.dane.test",
                InstantSource.system()))
        .isNotEqualTo(refusing);
  }

  @Test
  void daneDecidesBeforeMtaStsAndTheOperatorBeforeBoth() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    Dane dane = new Dane(null, InstantSource.system());
    TlsRequirement fromTlsa =
        dane.requirement(
            "dane.test",
            new DaneLookup.Records(
                "mx.dane.test", "_25._tcp.mx.dane.test", List.of(tlsa(3, 1, 1, leaf.cert()))));
    assertThat(fromTlsa.source()).isEqualTo(TlsRequirement.Source.DANE);
    assertThat(fromTlsa.tlsRequired()).isTrue();
    assertThat(fromTlsa.check()).isInstanceOf(DaneCheck.class);
    assertThat(fromTlsa.description()).isEqualTo("dane (1 TLSA record)");
    assertThat(fromTlsa.report().policyType()).isEqualTo(TlsSessionResult.PolicyType.TLSA);
    assertThat(fromTlsa.report().policyStrings())
        .containsExactly(tlsa(3, 1, 1, leaf.cert()).presentation());
    TlsRequirement enforcedSts =
        new TlsRequirement(
            TlsRequirement.Source.MTA_STS,
            TlsPolicy.REQUIRED,
            new PkixCheck("mta-sts"),
            true,
            null,
            "mta-sts enforce id=1",
            TlsRequirement.Report.none("dane.test"),
            null);
    // A host DANE has nothing for (null) is left to MTA-STS.
    List<TlsRequirements.Source> sources =
        List.of(
            (domain, route) -> target -> target.host().equals("mx.dane.test") ? fromTlsa : null,
            (domain, route) -> target -> enforcedSts);
    MxTarget signed =
        new MxTarget("mx.dane.test", 10, 25, List.of(java.net.InetAddress.ofLiteral("192.0.2.1")));
    MxTarget unsigned =
        new MxTarget("mx2.dane.test", 20, 25, List.of(java.net.InetAddress.ofLiteral("192.0.2.2")));
    Route route = new Route("dane.test", "dane.test", Route.Kind.MX, List.of(signed, unsigned));
    ClientConfig client = ClientConfig.defaults("petrel.test");
    TlsRequirements.PerHost perHost =
        new TlsRequirements(client, sources).forRoute("dane.test", route);
    assertThat(perHost.forHost(signed)).isSameAs(fromTlsa);
    assertThat(perHost.forHost(unsigned)).isSameAs(enforcedSts);
    TlsRequirements.PerHost operator =
        new TlsRequirements(
                client.withTlsPolicies(java.util.Map.of("dane.test", TlsPolicy.OPPORTUNISTIC)),
                sources)
            .forRoute("dane.test", route);
    assertThat(operator.forHost(signed).source()).isEqualTo(TlsRequirement.Source.CONFIGURED);
    assertThat(operator.forHost(signed).description()).isEqualTo("configured opportunistic");
    // Static routes, the relay host and literals are not DANE's.
    assertThat(
            dane.forRoute(
                "dane.test", new Route("dane.test", "x", Route.Kind.STATIC, List.of(signed))))
        .isNull();
  }

  @Test
  void aPooledConnectionServesDaneOnlyWhenVerifiedForTheSameRecords() throws Exception {
    Issued leaf = selfSigned("mx.dane.test");
    Issued other = selfSigned("mx.dane.test");
    Dane dane = new Dane(null, InstantSource.system());
    TlsRequirement req = daneRequirement(dane, leaf);
    TlsRequirement same = daneRequirement(dane, leaf);
    TlsRequirement rolled = daneRequirement(dane, other);
    TlsFacts verified = new TlsFacts("dane", req.description(), null);
    assertThat(req.servedBy(same, verified, true)).isTrue();
    // Encrypted, but not verified against the records (an opportunistic session, say).
    assertThat(req.servedBy(same, new TlsFacts("none", req.description(), null), true)).isFalse();
    assertThat(
            req.servedBy(
                TlsRequirement.opportunistic("dane.test", TlsPolicy.OPPORTUNISTIC),
                new TlsFacts("none", "opportunistic", null),
                true))
        .isFalse();
    // Verified against other records (a key rollover in between): not this requirement.
    assertThat(req.servedBy(rolled, verified, true)).isFalse();
  }

  private static TlsRequirement daneRequirement(Dane dane, Issued cert) throws Exception {
    return dane.requirement(
        "dane.test",
        new DaneLookup.Records(
            "mx.dane.test", "_25._tcp.mx.dane.test", List.of(tlsa(3, 1, 1, cert.cert()))));
  }
}
