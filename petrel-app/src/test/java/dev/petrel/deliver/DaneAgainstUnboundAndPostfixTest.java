package dev.petrel.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.petrel.model.OutboundPolicy;
import dev.petrel.peers.OpensslCertificates;
import dev.petrel.peers.PostfixInstance;
import dev.petrel.peers.SignedDns;
import dev.petrel.status.Phase;
import dev.petrel.status.Reason;
import dev.petrel.status.StatusEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * DANE end to end below the server: zones signed at test time (ldns-signzone) served by NSD,
 * Unbound validating in front of it with the zones' trust anchors, and a private Postfix smtpd
 * offering STARTTLS with a certificate openssl made (signed by a test CA, the CA in the chain it
 * presents). Each recipient domain's MX host has its own TLSA records: a DANE-EE match, a mismatch,
 * a DANE-TA match, a DANE-TA whose name does not fit, PKIX-only records, a spoiled signature, and
 * an unsigned zone whose TLSA records must be ignored.
 */
@Timeout(180)
class DaneAgainstUnboundAndPostfixTest {

  @TempDir static Path dir;
  static SignedDns dns;
  static PostfixInstance postfix;
  static PostfixInstance noTls;
  static String leafEe;

  @BeforeAll
  static void start() throws Exception {
    OpensslCertificates certs = OpensslCertificates.in(dir);
    OpensslCertificates.Pem ca = certs.ca("Petrel DANE Test CA");
    OpensslCertificates.Pem server =
        certs.issued(ca, "mx-ee.dane.test", "mx-bad.dane.test", "mx-ta.dane.test", "mx.plain.test");
    OpensslCertificates.Pem stranger = certs.selfSigned("mx-ee.dane.test");
    postfix = PostfixInstance.configure(dir, "mx", "mx-ee.dane.test");
    postfix
        .set("smtpd_tls_security_level", "may")
        .set("smtpd_tls_chain_files", certs.bundle(server, ca).toString())
        .set("smtpd_tls_loglevel", "1")
        // HOLD keeps what arrives in the queue, where the test looks for it.
        .set(
            "smtpd_recipient_restrictions",
            "check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination")
        .start();
    // The same port on another loopback address: a server that does not offer STARTTLS.
    noTls =
        PostfixInstance.configure(dir, "notls", "mx-notls.dane.test", "127.0.0.2", postfix.port());
    noTls
        .set(
            "smtpd_recipient_restrictions",
            "check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination")
        .start();
    String port = String.valueOf(postfix.port());
    leafEe = certs.tlsa(3, 1, 1, server);
    dns =
        SignedDns.in(dir)
            .signed(
                "dane.test",
                "ee MX 10 mx-ee",
                "mx-ee A 127.0.0.1",
                "_" + port + "._tcp.mx-ee TLSA " + leafEe,
                "bad MX 10 mx-bad",
                "mx-bad A 127.0.0.1",
                "_" + port + "._tcp.mx-bad TLSA " + certs.tlsa(3, 1, 1, stranger),
                "ta MX 10 mx-ta",
                "mx-ta A 127.0.0.1",
                "_" + port + "._tcp.mx-ta TLSA " + certs.tlsa(2, 1, 1, ca),
                "taname MX 10 mx-taname",
                "mx-taname A 127.0.0.1",
                "_" + port + "._tcp.mx-taname TLSA " + certs.tlsa(2, 0, 2, ca),
                "pkix MX 10 mx-pkix",
                "mx-pkix A 127.0.0.1",
                "_" + port + "._tcp.mx-pkix TLSA " + certs.tlsa(1, 1, 1, server),
                "bogus MX 10 mx-bogus",
                "mx-bogus A 127.0.0.1",
                "_" + port + "._tcp.mx-bogus TLSA " + leafEe,
                "notls MX 10 mx-notls",
                "mx-notls A 127.0.0.2",
                "_" + port + "._tcp.mx-notls TLSA " + leafEe,
                "none MX 10 mx-none",
                "mx-none A 127.0.0.1")
            .corruptSignature("_" + port + "._tcp.mx-bogus.dane.test", "TLSA")
            .unsigned(
                "plain.test",
                "@ MX 10 mx",
                "mx A 127.0.0.1",
                "_" + port + "._tcp.mx TLSA " + certs.tlsa(3, 1, 1, stranger),
                "cross MX 10 mx-bad.dane.test.")
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (dns != null) dns.close();
    } finally {
      try {
        if (noTls != null) noTls.close();
      } finally {
        if (postfix != null) postfix.close();
      }
    }
  }

  static DeliveryConfig config(String dnssecResolver) {
    HostPort unbound = HostPort.parse(dns.resolver(), 53);
    return SimFixture.config(postfix.port())
        .withRouting(
            RoutingConfig.DEFAULTS
                .withDnsServer(unbound)
                .withDnssecResolver(HostPort.parse(dnssecResolver, 53))
                .withDnsTimeout(Duration.ofSeconds(5))
                .withIpv6(false)
                .withMxPort(postfix.port())
                // the test's MX hosts are on loopback
                .withOutbound(OutboundPolicy.parse("127.0.0.0/8")));
  }

  record Sent(TransferResult result, List<TlsSessionResult> sessions) {
    Attempt attempt() {
      return result.recipients().getFirst().attempt();
    }

    Outcome outcome() {
      return result.recipients().getFirst().outcome();
    }
  }

  static Sent send(String address) throws Exception {
    return send(address, dns.resolver());
  }

  static DeliveryObserver observer(List<TlsSessionResult> sessions, List<Boolean> reused) {
    return new DeliveryObserver() {
      @Override
      public void tlsSession(TlsSessionResult result) {
        sessions.add(result);
      }

      @Override
      public void connected(
          String destination, String mxHost, String mxIp, String tls, boolean wasReused) {
        if (reused != null) reused.add(wasReused);
      }
    };
  }

  static Sent send(String address, String dnssecResolver) throws Exception {
    List<TlsSessionResult> sessions = new CopyOnWriteArrayList<>();
    DeliveryObserver observer = observer(sessions, null);
    try (Deliverer d =
        Deliverer.create(
            config(dnssecResolver), StatusEngine.standard(), InstantSource.system(), observer)) {
      TransferResult t =
          d.deliver(SimFixture.job("s@example.com", SimFixture.message("dane"), address));
      return new Sent(t, sessions);
    }
  }

  /** Without DANE the session is still reported, as one under no policy (RFC 8460 §4.3). */
  static void noPolicy(TlsSessionResult r) {
    assertThat(r.policyType()).isEqualTo(TlsSessionResult.PolicyType.NO_POLICY_FOUND);
    assertThat(r.policyStrings()).isEmpty();
    assertThat(r.successful()).isTrue();
  }

  static boolean heldFor(String address) {
    return postfix.queue().stream().anyMatch(q -> q.recipients().contains(address));
  }

  @Test
  void unboundValidatesTheSignedZoneOnly() throws Exception {
    assertThat(dns.validated("_" + postfix.port() + "._tcp.mx-ee.dane.test", Type.TLSA))
        .as(dns.log())
        .isTrue();
    assertThat(dns.validated("mx.plain.test", Type.A)).isFalse();
  }

  @Test
  void daneEeMatchDeliversVerified() throws Exception {
    Sent s = send("ok@ee.dane.test");
    assertThat(s.outcome())
        .as(s.attempt().reply().text() + "\n" + dns.log())
        .isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tls()).startsWith("TLSv1.");
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("dane");
    assertThat(s.attempt().tlsFacts().policy()).isEqualTo("dane (1 TLSA record)");
    assertThat(s.attempt().tlsFacts().problem()).isNull();
    assertThat(heldFor("ok@ee.dane.test")).as(postfix.log()).isTrue();
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.policyType()).isEqualTo(TlsSessionResult.PolicyType.TLSA);
              assertThat(r.policyDomain()).isEqualTo("ee.dane.test");
              assertThat(r.mxHost()).isEqualTo("mx-ee.dane.test");
              assertThat(r.receivingIp()).isEqualTo("127.0.0.1");
              assertThat(r.policyStrings()).containsExactly(leafEe);
              assertThat(r.successful()).isTrue();
            });
  }

  @Test
  void mismatchIsDeferredWithTheReasonAndNothingIsSent() throws Exception {
    Sent s = send("ok@bad.dane.test");
    assertThat(s.outcome()).isEqualTo(Outcome.DEFERRED);
    Attempt a = s.attempt();
    assertThat(a.phase()).isEqualTo(Phase.STARTTLS);
    assertThat(a.remote()).isFalse();
    assertThat(a.reply().enhanced()).hasToString("4.7.5");
    assertThat(a.reply().text())
        .contains(
            "does not match the TLSA records at _" + postfix.port() + "._tcp.mx-bad.dane.test")
        .contains("not sent");
    assertThat(a.classification().reason()).isEqualTo(Reason.FAILEDSTARTTLS);
    // No plain-text retry: Postfix never saw a transaction for it.
    assertThat(heldFor("ok@bad.dane.test")).isFalse();
    assertThat(postfix.log()).doesNotContain("ok@bad.dane.test");
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.failure())
                    .isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED));
  }

  @Test
  void serverWithoutStartTlsIsNotSentToInPlainText() throws Exception {
    Sent s = send("ok@notls.dane.test");
    assertThat(s.outcome()).isEqualTo(Outcome.DEFERRED);
    Attempt a = s.attempt();
    assertThat(a.mxIp()).isEqualTo("127.0.0.2");
    assertThat(a.reply().enhanced()).hasToString("4.7.4");
    assertThat(a.reply().text()).contains("does not offer STARTTLS").contains("not sent");
    assertThat(a.classification().reason()).isEqualTo(Reason.FAILEDSTARTTLS);
    assertThat(noTls.queue()).isEmpty();
    assertThat(noTls.log()).doesNotContain("ok@notls.dane.test");
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.failure()).isEqualTo(TlsSessionResult.Failure.STARTTLS_NOT_SUPPORTED));
  }

  @Test
  void daneTaWithTheTestCaDeliversVerified() throws Exception {
    Sent s = send("ok@ta.dane.test");
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("dane");
    assertThat(s.sessions()).singleElement().satisfies(r -> assertThat(r.successful()).isTrue());
  }

  @Test
  void daneTaNeedsTheServerToCarryItsMxName() throws Exception {
    Sent s = send("ok@taname.dane.test");
    assertThat(s.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(s.attempt().reply().text()).contains("mx-taname.dane.test");
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.failure())
                    .isEqualTo(TlsSessionResult.Failure.CERTIFICATE_HOST_MISMATCH));
  }

  @Test
  void onlyPkixRecordsMeanEncryptedButUnauthenticated() throws Exception {
    Sent s = send("ok@pkix.dane.test");
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tls()).startsWith("TLSv1.");
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("none");
    assertThat(s.attempt().tlsFacts().policy()).isEqualTo("dane (1 TLSA record, none usable)");
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.failure()).isEqualTo(TlsSessionResult.Failure.TLSA_INVALID);
              assertThat(r.detail()).contains("RFC 7672 §3.1.3");
            });
  }

  @Test
  void bogusTlsaRecordsDeferWithoutConnecting() throws Exception {
    Sent s = send("ok@bogus.dane.test");
    assertThat(s.outcome()).isEqualTo(Outcome.DEFERRED);
    Attempt a = s.attempt();
    assertThat(a.mxHost()).isEqualTo("mx-bogus.dane.test");
    assertThat(a.mxIp()).isNull();
    assertThat(a.reply().text()).contains("SERVFAIL").contains("DNSSEC");
    assertThat(a.classification().reason()).isEqualTo(Reason.SECURITYERROR);
    assertThat(heldFor("ok@bogus.dane.test")).isFalse();
    assertThat(s.sessions())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.failure()).isEqualTo(TlsSessionResult.Failure.DNSSEC_INVALID);
              assertThat(r.receivingIp()).isNull();
            });
  }

  @Test
  void unsignedZoneIsNotDaneAndDeliversOpportunistically() throws Exception {
    // Its TLSA record names another key: taken without DNSSEC, it would stop delivery.
    Sent s = send("ok@plain.test");
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tls()).startsWith("TLSv1.");
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("none");
    assertThat(s.attempt().tlsFacts().policy()).isEqualTo("opportunistic");
    assertThat(s.sessions()).singleElement().satisfies(DaneAgainstUnboundAndPostfixTest::noPolicy);
  }

  @Test
  void insecureMxRecordsMeanNoDaneForTheirHosts() throws Exception {
    // cross.plain.test (unsigned) points at mx-bad.dane.test, whose secure TLSA would not match.
    Sent s = send("ok@cross.plain.test");
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.sessions()).singleElement().satisfies(DaneAgainstUnboundAndPostfixTest::noPolicy);
  }

  @Test
  void signedHostWithoutTlsaIsOpportunistic() throws Exception {
    Sent s = send("ok@none.dane.test");
    assertThat(s.outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("none");
    assertThat(s.attempt().tlsFacts().policy()).isEqualTo("opportunistic");
    assertThat(s.sessions()).singleElement().satisfies(DaneAgainstUnboundAndPostfixTest::noPolicy);
  }

  @Test
  void theOperatorsPolicyForTheDomainWinsOverDane() throws Exception {
    // mx-bad's TLSA record would refuse its certificate; the operator said opportunistic.
    DeliveryConfig c = config(dns.resolver());
    c =
        c.withClient(
            c.client().withTlsPolicies(java.util.Map.of("bad.dane.test", TlsPolicy.OPPORTUNISTIC)));
    List<TlsSessionResult> sessions = new CopyOnWriteArrayList<>();
    TransferResult t;
    try (Deliverer d =
        Deliverer.create(
            c, StatusEngine.standard(), InstantSource.system(), observer(sessions, null))) {
      t =
          d.deliver(
              SimFixture.job(
                  "s@example.com", SimFixture.message("dane"), "operator@bad.dane.test"));
    }
    Sent s = new Sent(t, sessions);
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.attempt().tlsFacts().policy()).isEqualTo("configured opportunistic");
    assertThat(s.attempt().tlsFacts().verified()).isEqualTo("none");
    assertThat(heldFor("operator@bad.dane.test")).isTrue();
    assertThat(s.sessions()).singleElement().satisfies(DaneAgainstUnboundAndPostfixTest::noPolicy);
  }

  @Test
  void aPooledConnectionServesDaneOnlyWhenItWasVerifiedForIt() throws Exception {
    List<TlsSessionResult> sessions = new CopyOnWriteArrayList<>();
    List<Boolean> reused = new CopyOnWriteArrayList<>();
    try (Deliverer d =
        Deliverer.create(
            config(dns.resolver()),
            StatusEngine.standard(),
            InstantSource.system(),
            observer(sessions, reused))) {
      // cross.plain.test's unsigned MX names mx-bad.dane.test: an opportunistic session, pooled.
      TransferResult plain =
          d.deliver(
              SimFixture.job("s@example.com", SimFixture.message("dane"), "pool@cross.plain.test"));
      assertThat(plain.recipients().getFirst().outcome()).isEqualTo(Outcome.DELIVERED);
      // The same host under DANE: that session was not verified against its TLSA records, so a new
      // one is opened, and its certificate refused.
      TransferResult dane =
          d.deliver(
              SimFixture.job("s@example.com", SimFixture.message("dane"), "pool@bad.dane.test"));
      Attempt refused = dane.recipients().getFirst().attempt();
      assertThat(dane.recipients().getFirst().outcome()).isEqualTo(Outcome.DEFERRED);
      assertThat(refused.reply().text()).contains("does not match the TLSA records");
      assertThat(heldFor("pool@bad.dane.test")).isFalse();
      // A session verified by DANE serves the next delivery to the same host under the same
      // records.
      for (String to : List.of("pool1@ee.dane.test", "pool2@ee.dane.test")) {
        TransferResult t =
            d.deliver(SimFixture.job("s@example.com", SimFixture.message("dane"), to));
        assertThat(t.recipients().getFirst().outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(t.recipients().getFirst().attempt().tlsFacts().verified()).isEqualTo("dane");
      }
    }
    // connected: the plain session, the first DANE-verified one, then that one again.
    assertThat(reused).containsExactly(false, false, true);
    // One report per new session: plain, refused, verified; the reuse is not a new session.
    assertThat(sessions).hasSize(3);
    assertThat(sessions.get(1).failure())
        .isEqualTo(TlsSessionResult.Failure.CERTIFICATE_NOT_TRUSTED);
    assertThat(sessions.get(2).policyType()).isEqualTo(TlsSessionResult.PolicyType.TLSA);
  }

  @Test
  void answersWithoutTheAdBitAreNotTrusted() throws Exception {
    // The authoritative server answers the same records, but sets no AD bit: no DANE.
    Sent s = send("ok@bad.dane.test", "127.0.0.1:" + dns.authorityPort());
    assertThat(s.outcome()).as(s.attempt().reply().text()).isEqualTo(Outcome.DELIVERED);
    assertThat(s.sessions()).singleElement().satisfies(DaneAgainstUnboundAndPostfixTest::noPolicy);
    DaneLookup direct =
        new DaneLookup(
            new HostPort("127.0.0.1", dns.authorityPort()),
            Duration.ofSeconds(5),
            InstantSource.system());
    MxTarget target =
        new MxTarget(
            "mx-ee.dane.test",
            10,
            postfix.port(),
            List.of(java.net.InetAddress.getLoopbackAddress()));
    assertThat(direct.lookup("ee.dane.test", Route.Kind.MX, target))
        .isInstanceOf(DaneLookup.NotApplicable.class);
    DaneLookup validating =
        new DaneLookup(
            HostPort.parse(dns.resolver(), 53), Duration.ofSeconds(5), InstantSource.system());
    assertThat(validating.lookup("ee.dane.test", Route.Kind.MX, target))
        .isInstanceOfSatisfying(
            DaneLookup.Records.class,
            r -> {
              assertThat(r.presentation()).containsExactly(leafEe);
              assertThat(r.baseDomain()).isEqualTo("mx-ee.dane.test");
            });
    assertThat(validating.lookup("ee.dane.test", Route.Kind.STATIC, target))
        .isInstanceOf(DaneLookup.NotApplicable.class);
  }
}
