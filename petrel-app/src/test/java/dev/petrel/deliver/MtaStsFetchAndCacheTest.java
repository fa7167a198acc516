package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.petrel.model.OutboundPolicy;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS discovery, fetch and caching (RFC 8461 §3 and §5.1) against the JDK's HTTPS server on
 * loopback, with a certificate for the policy host trusted through a CA file, and the DNS table in
 * memory. The clock is moved by hand to let policies expire.
 */
@Timeout(60)
class MtaStsFetchAndCacheTest {

  @TempDir Path dir;

  private HttpsServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<Answer> answer = new AtomicReference<>();
  private final InMemoryDns dns = new InMemoryDns();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final InstantSource clock = () -> now;
  private TlsTrust trust;

  record Answer(int status, String type, String body, String location) {}

  @BeforeEach
  void start() throws Exception {
    SSLContext ctx = serverContext(dir, "mta-sts.a.test");
    trust = TlsTrust.withCaFile(dir.resolve("cert.pem"));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext(
        "/.well-known/mta-sts.txt",
        ex -> {
          requests.incrementAndGet();
          Answer a = answer.get();
          byte[] body = a.body.getBytes(StandardCharsets.UTF_8);
          if (a.type != null) ex.getResponseHeaders().add("Content-Type", a.type);
          if (a.location != null) ex.getResponseHeaders().add("Location", a.location);
          ex.sendResponseHeaders(a.status, body.length == 0 ? -1 : body.length);
          if (body.length > 0) ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    dns.address("mta-sts.a.test", "127.0.0.1");
    serve("enforce", "mx.a.test", 3600);
    dns.txt("_mta-sts.a.test", "v=STSv1; id=one;");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void serve(String mode, String mx, long maxAge) {
    answer.set(
        new Answer(
            200,
            "text/plain",
            "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: " + maxAge + "\r\n",
            null));
  }

  private MtaSts sts(OutboundPolicy outbound) {
    return new MtaSts(
        dns,
        outbound,
        trust,
        server.getAddress().getPort(),
        Duration.ofSeconds(10),
        MtaStsStore.MEMORY,
        clock);
  }

  private static TlsRequirement requirement(MtaSts sts, String host) throws Exception {
    MxTarget target = new MxTarget(host, 10, 25, List.of(InetAddress.getByName("192.0.2.1")));
    Route route = new Route("a.test", "a.test", Route.Kind.MX, List.of(target));
    TlsRequirements.PerHost p = sts.forRoute("a.test", route);
    return p == null ? null : p.forHost(target);
  }

  @Test
  void enforceListsHostsAndIsKeptWhileTheIdStays() throws Exception {
    MtaSts sts = sts(OutboundPolicy.parse("127.0.0.0/8"));
    TlsRequirement r = requirement(sts, "mx.a.test");
    assertThat(r.description()).isEqualTo("mta-sts enforce id=one");
    assertThat(r.tlsRequired()).isTrue();
    assertThat(r.check().name()).isEqualTo("mta-sts");
    assertThat(r.refusal()).isNull();
    assertThat(r.report().policyStrings()).contains("mode: enforce");
    assertThat(requirement(sts, "other.a.test").refusal())
        .contains("other.a.test is not an MX host of a.test's MTA-STS policy");
    assertThat(requests).hasValue(1);
  }

  @Test
  void aNewIdFetchesAgainAndAFailedRefreshKeepsThePolicy() throws Exception {
    MtaSts sts = sts(OutboundPolicy.parse("127.0.0.0/8"));
    assertThat(requirement(sts, "mx.a.test").description()).isEqualTo("mta-sts enforce id=one");
    dns.remove("_mta-sts.a.test").txt("_mta-sts.a.test", "v=STSv1; id=two");
    serve("testing", "mx.a.test", 3600);
    TlsRequirement testing = requirement(sts, "mx.a.test");
    assertThat(testing.description()).isEqualTo("mta-sts testing id=two");
    assertThat(testing.enforced()).isFalse();
    assertThat(requests).hasValue(2);
    // RFC 8461 §5.1: a refresh that fails leaves the kept policy in force until it expires.
    dns.remove("_mta-sts.a.test").txt("_mta-sts.a.test", "v=STSv1; id=three");
    answer.set(new Answer(500, "text/plain", "oops", null));
    assertThat(requirement(sts, "mx.a.test").description()).isEqualTo("mta-sts testing id=two");
    assertThat(requests).hasValue(3);
    // So does a TXT record that disappears.
    dns.remove("_mta-sts.a.test");
    assertThat(requirement(sts, "mx.a.test").description()).isEqualTo("mta-sts testing id=two");
    // Expired, and the record back with a failing fetch: no policy, the failure reported.
    now = now.plus(Duration.ofHours(2));
    dns.txt("_mta-sts.a.test", "v=STSv1; id=three");
    TlsRequirement none = requirement(sts, "mx.a.test");
    assertThat(none.description()).isEqualTo("opportunistic (mta-sts policy unavailable)");
    assertThat(none.enforced()).isFalse();
    assertThat(none.policyProblem().failure())
        .isEqualTo(TlsSessionResult.Failure.STS_POLICY_FETCH_ERROR);
    assertThat(none.policyProblem().detail()).contains("answered 500");
  }

  @Test
  void anExpiredPolicyIsFetchedAgain() throws Exception {
    MtaSts sts = sts(OutboundPolicy.parse("127.0.0.0/8"));
    requirement(sts, "mx.a.test");
    now = now.plus(Duration.ofHours(2));
    serve("none", "mx.a.test", 3600);
    assertThat(requirement(sts, "mx.a.test")).isNull(); // mode none: as without a policy
    assertThat(requests).hasValue(2);
  }

  @Test
  void policyHostsOnInternalAddressesAreNotAsked() throws Exception {
    TlsRequirement r = requirement(sts(OutboundPolicy.STRICT), "mx.a.test");
    assertThat(r.policyProblem().detail())
        .contains("127.0.0.1, a loopback address")
        .contains("--deliver-allow-networks");
    assertThat(requests).hasValue(0);
  }

  @Test
  void redirectsOtherTypesAndHugePoliciesAreRefused() throws Exception {
    answer.set(new Answer(301, "text/plain", "", "https://elsewhere.test/"));
    assertThat(requirement(sts(OutboundPolicy.parse("127.0.0.0/8")), "mx.a.test").policyProblem())
        .satisfies(p -> assertThat(p.detail()).contains("answered 301").contains("redirect"));
    answer.set(new Answer(200, "text/html", "<html></html>", null));
    assertThat(requirement(sts(OutboundPolicy.parse("127.0.0.0/8")), "mx.a.test").policyProblem())
        .satisfies(p -> assertThat(p.detail()).contains("text/html, not text/plain"));
    answer.set(new Answer(200, "text/plain", "x".repeat(70_000), null));
    assertThat(requirement(sts(OutboundPolicy.parse("127.0.0.0/8")), "mx.a.test").policyProblem())
        .satisfies(p -> assertThat(p.detail()).contains("larger than 65536 octets"));
    answer.set(new Answer(200, "text/plain", "version: STSv1\nmode: enforce\nmax_age: 1\n", null));
    assertThat(requirement(sts(OutboundPolicy.parse("127.0.0.0/8")), "mx.a.test").policyProblem())
        .satisfies(
            p -> {
              assertThat(p.failure()).isEqualTo(TlsSessionResult.Failure.STS_POLICY_INVALID);
              assertThat(p.detail()).contains("no mx field");
            });
  }

  @Test
  void aCertificateForAnotherNameIsAFetchError() throws Exception {
    dns.address("mta-sts.b.test", "127.0.0.1").txt("_mta-sts.b.test", "v=STSv1; id=b");
    MtaSts sts = sts(OutboundPolicy.parse("127.0.0.0/8"));
    MxTarget target =
        new MxTarget("mx.b.test", 10, 25, List.of(InetAddress.getByName("192.0.2.1")));
    TlsRequirement r =
        sts.forRoute("b.test", new Route("b.test", "b.test", Route.Kind.MX, List.of(target)))
            .forHost(target);
    assertThat(r.policyProblem().failure())
        .isEqualTo(TlsSessionResult.Failure.STS_POLICY_FETCH_ERROR);
    assertThat(requests).hasValue(0);
  }

  /** A self-signed certificate for {@code name} (written to cert.pem) and a server context. */
  static SSLContext serverContext(Path dir, String name) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair kp = g.generateKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    Instant t = Instant.now();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        subject,
                        BigInteger.valueOf(t.toEpochMilli()),
                        Date.from(t.minus(1, ChronoUnit.DAYS)),
                        Date.from(t.plus(2, ChronoUnit.DAYS)),
                        subject,
                        kp.getPublic())
                    .addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, name)))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Files.writeString(
        dir.resolve("cert.pem"),
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry("server", kp.getPrivate(), pw, new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
